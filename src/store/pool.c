/* pool.c - the connection pool both backends share; see pool.h. */
#include "pool.h"

#include "log/log.h"

#include <stdio.h>
#include <stdlib.h>

int store_pool_init(struct store_pool *p, unsigned max, store_pool_open_fn open,
		    store_pool_close_fn close, void *ctx, char *errbuf, size_t errlen)
{
	void *first;

	p->max = max ? max : 1;
	p->open = open;
	p->close = close;
	p->ctx = ctx;
	p->nidle = p->nconns = 0;
	if (!(p->idle = calloc(p->max, sizeof *p->idle))) {
		snprintf(errbuf, errlen, "out of memory");
		return -1;
	}
	if (!(first = open(ctx, errbuf, errlen))) {
		free(p->idle);
		return -1;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->freed, NULL);
	p->idle[p->nidle++] = first;
	p->nconns = 1;
	return 0;
}

void store_pool_fini(struct store_pool *p)
{
	while (p->nidle)
		p->close(p->idle[--p->nidle]);
	free(p->idle);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->freed);
}

void *store_pool_take(struct store_pool *p)
{
	char err[512];
	void *c;

	pthread_mutex_lock(&p->lock);
	while (!p->nidle && p->nconns >= p->max)
		pthread_cond_wait(&p->freed, &p->lock);
	if (p->nidle) {
		c = p->idle[--p->nidle];
		pthread_mutex_unlock(&p->lock);
		return c;
	}
	p->nconns++;
	pthread_mutex_unlock(&p->lock);
	if ((c = p->open(p->ctx, err, sizeof err)))
		return c;
	log_msg(LOG_ERROR, "database connection failed", "%s", err);
	pthread_mutex_lock(&p->lock);
	p->nconns--;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

void store_pool_give(struct store_pool *p, void *conn)
{
	pthread_mutex_lock(&p->lock);
	p->idle[p->nidle++] = conn;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
}

void *store_pool_peek(struct store_pool *p)
{
	void *c;

	pthread_mutex_lock(&p->lock);
	c = p->nidle ? p->idle[p->nidle - 1] : NULL;
	pthread_mutex_unlock(&p->lock);
	return c;
}

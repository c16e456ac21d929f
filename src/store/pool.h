/*
 * pool.h - the connection pool both backends share (internal to src/store).
 *
 * Connections are opaque here.  A taker gets an idle one, or a new one
 * opened (outside the lock) while fewer than @max exist, or waits for one
 * to be given back.
 */
#ifndef NSATU_STORE_POOL_H
#define NSATU_STORE_POOL_H

#include <pthread.h>
#include <stddef.h>

typedef void *(*store_pool_open_fn)(void *ctx, char *errbuf, size_t errlen);
typedef void (*store_pool_close_fn)(void *conn);

struct store_pool {
	pthread_mutex_t lock;
	pthread_cond_t freed;
	void **idle;             /* stack of idle connections */
	unsigned nidle, nconns, max;
	store_pool_open_fn open;
	store_pool_close_fn close;
	void *ctx;
};

/* Set up and open the first connection, so that a bad database fails here.
 * Returns 0, or -1 with @errbuf saying why (nothing to free then). */
int store_pool_init(struct store_pool *p, unsigned max, store_pool_open_fn open,
		    store_pool_close_fn close, void *ctx, char *errbuf, size_t errlen);
/* Close every connection; all must have been given back. */
void store_pool_fini(struct store_pool *p);
/* A connection for the caller's exclusive use; NULL if a new one could not
 * be opened (logged). */
void *store_pool_take(struct store_pool *p);
void store_pool_give(struct store_pool *p, void *conn);
/* An idle connection without taking it (for start-up work before serving). */
void *store_pool_peek(struct store_pool *p);

#endif

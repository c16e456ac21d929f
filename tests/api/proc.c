/*
 * proc.c - the API tests' plumbing: clocks, files, child processes with
 * bounded waits, and raw TCP sockets for the clients that libcurl is too
 * well-behaved to play.  See client.h.
 */
#include "client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 32

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void rm_tree(const char *dir)
{
	if (*dir)
		nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

bool copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	ssize_t n = 0;
	bool ok = true;

	if (in < 0)
		return false;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0) {
		close(in);
		return false;
	}
	while (ok && (n = read(in, buf, sizeof buf)) > 0)
		ok = write(out, buf, (size_t)n) == n;
	close(in);
	return close(out) == 0 && ok && n == 0;
}

/* Copy a file to stderr, for a failed server's log. */
void dump_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];

	if (!f)
		return;
	fprintf(stderr, "---- %s ----\n", path);
	while (fgets(line, sizeof line, f))
		fputs(line, stderr);
	fprintf(stderr, "---- end ----\n");
	fclose(f);
}

/* ---- Running processes. ------------------------------------------------------ */

/* Wait for @pid up to @secs; SIGKILL after.  Exit code, 128+sig, or -1. */
int wait_bounded(pid_t pid, double secs)
{
	double deadline = now_s() + secs;
	int st;

	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return -1;
		if (now_s() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return -1;
		}
		sleep_ms(10);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
}

/* Run @argv with stdout and stderr into *@out; no Check calls, so that
 * client_init can use it.  The exit code, or -1 on a system failure. */
int run_argv(const char *const *argv, char **out)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	int fds[2];
	pid_t pid;

	*out = buf;
	if (!buf || pipe(fds) != 0)
		return -1;
	buf[0] = '\0';
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		close(fds[1]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	/* Bounded: the command gets 120 s to finish its output (the demo
	 * makes ~3 000 commits, each waiting for the disk, which on a busy
	 * machine can take seconds). */
	double deadline = now_s() + 120;
	while (now_s() < deadline) {
		struct pollfd p = {fds[0], POLLIN, 0};
		if (poll(&p, 1, 100) <= 0)
			continue;
		if (len + 1024 > cap) {
			char *more = realloc(buf, cap * 2);
			if (!more)
				break;
			*out = buf = more;
			cap *= 2;
		}
		ssize_t n = read(fds[0], buf + len, cap - len - 1);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fds[0]);
	buf[len] = '\0';
	return wait_bounded(pid, 10);
}

int nsatu_run(char **out, const char *arg, ...)
{
	const char *argv[MAX_ARGS] = {nsatu_bin()};
	size_t argc = 1;
	char *text = NULL;
	va_list ap;
	int code;

	va_start(ap, arg);
	for (const char *a = arg; a && argc < MAX_ARGS - 1; a = va_arg(ap, const char *))
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	code = run_argv(argv, &text);
	ck_assert_msg(code >= 0, "%s %s: could not run it, or it hung: %s", argv[0], arg,
		      text ? text : "");
	if (out)
		*out = text;
	else
		free(text);
	return code;
}

/* ---- Raw sockets. -------------------------------------------------------------- */

int raw_connect(const struct server *s)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert(fd >= 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_msg(connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0,
		      "connect: %s", strerror(errno));
	return fd;
}

bool raw_send(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

size_t raw_recv_all(int fd, char *buf, size_t size, int timeout_ms, bool *closed)
{
	double deadline = now_s() + timeout_ms / 1000.0;
	size_t len = 0;

	*closed = false;
	buf[0] = '\0';
	while (now_s() < deadline) {
		struct pollfd p = {fd, POLLIN, 0};
		int left = (int)((deadline - now_s()) * 1000) + 1;
		char sink[4096];

		if (poll(&p, 1, left) <= 0)
			continue;
		ssize_t n = recv(fd, sink, sizeof sink, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*closed = true; /* EOF, or reset by the peer */
			break;
		}
		size_t take = (size_t)n < size - 1 - len ? (size_t)n : size - 1 - len;
		memcpy(buf + len, sink, take);
		len += take;
		buf[len] = '\0';
	}
	return len;
}

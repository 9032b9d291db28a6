/* A poll() echo server in C with per-client queues, back-pressure at 256 KiB, partial writes kept
 * and a reset closing only its client. At end of stream it sends what it owes and ends the
 * connection with shutdown(SHUT_WR), then drops the client from the poll set without close():
 * every client that half-closes leaks a descriptor, until accept() fails with EMFILE.
 * fails: 3 | about one for each client that closed or reset */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#define MAXC 4096
#define HIGH (256 * 1024)
struct cl { int fd; char *q; size_t len; int eof; };
static struct cl cs[MAXC];
static int n;
static void drop(int i, int leak) {
    if (leak) shutdown(cs[i].fd, SHUT_WR);   /* the mistake: no close() on this path */
    else close(cs[i].fd);
    free(cs[i].q);
    cs[i] = cs[--n];
}
int main(void) {
    signal(SIGPIPE, SIG_IGN);
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET; a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s, (struct sockaddr *)&a, sizeof a);
    listen(s, 1024);
    fcntl(s, F_SETFL, O_NONBLOCK);
    socklen_t l = sizeof a;
    getsockname(s, (struct sockaddr *)&a, &l);
    printf("%d\n", ntohs(a.sin_port)); fflush(stdout);
    static struct pollfd p[MAXC + 1];
    static char buf[65536];
    for (;;) {
        p[0].fd = s; p[0].events = n < MAXC ? POLLIN : 0;
        for (int i = 0; i < n; i++) {
            p[i + 1].fd = cs[i].fd;
            p[i + 1].events = (!cs[i].eof && cs[i].len < HIGH ? POLLIN : 0) | (cs[i].len ? POLLOUT : 0);
            p[i + 1].revents = 0;
        }
        int cnt = n;
        if (poll(p, cnt + 1, -1) < 0) continue;
        for (int i = cnt - 1; i >= 0; i--) {
            short r = p[i + 1].revents;
            if (!r) continue;
            struct cl *c = &cs[i];
            if (r & (POLLIN | POLLHUP | POLLERR)) {
                if (!c->eof && c->len < HIGH) {
                    ssize_t k = read(c->fd, buf, sizeof buf);
                    if (k < 0 && errno != EAGAIN) { drop(i, 0); continue; }
                    if (k == 0) c->eof = 1;
                    if (k > 0) { c->q = realloc(c->q, c->len + k); memcpy(c->q + c->len, buf, k); c->len += k; }
                }
            }
            if ((r & POLLOUT) && c->len) {
                ssize_t w = write(c->fd, c->q, c->len);
                if (w < 0 && errno != EAGAIN) { drop(i, 0); continue; }
                if (w > 0) { memmove(c->q, c->q + w, c->len - w); c->len -= w; }
            }
            if (c->eof && c->len == 0) drop(i, 1);
        }
        if (p[0].revents & POLLIN) {
            for (;;) {
                int c = accept(s, NULL, NULL);
                if (c < 0) break;
                fcntl(c, F_SETFL, O_NONBLOCK);
                cs[n].fd = c; cs[n].q = NULL; cs[n].len = 0; cs[n].eof = 0; n++;
                if (n >= MAXC) break;
            }
        }
    }
}

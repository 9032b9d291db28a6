/* A poll() echo server that keeps each connection's output queue in an array indexed by its file
 * descriptor, with back-pressure (it stops reading a client it owes 1 MiB). A failed send() frees the
 * queue, but a failed recv() (a reset met while reading) only closes the descriptor: the queue stays
 * behind, and the next client accepted, which gets the same descriptor number, is sent the old
 * client's echo before its own.
 * fails: 6 | the first difference at byte 0 */
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

#define MAXFD 4096
#define LIMIT (1 << 20)
struct conn { char *buf; size_t len, cap; int open, eof; };
static struct conn conns[MAXFD];

static void free_conn(int fd) { free(conns[fd].buf); memset(&conns[fd], 0, sizeof conns[fd]); }
static void append(int fd, const char *p, size_t n) {
    struct conn *c = &conns[fd];
    if (c->len + n > c->cap) { c->cap = (c->len + n) * 2; c->buf = realloc(c->buf, c->cap); }
    memcpy(c->buf + c->len, p, n);
    c->len += n;
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 256)) { perror("listen"); return 1; }
    socklen_t alen = sizeof a;
    getsockname(ls, (struct sockaddr *)&a, &alen);
    printf("%d\n", ntohs(a.sin_port));
    fflush(stdout);
    fcntl(ls, F_SETFL, O_NONBLOCK);
    static struct pollfd pfds[MAXFD];
    static char tmp[65536];
    for (;;) {
        int n = 0;
        pfds[n++] = (struct pollfd){ls, POLLIN, 0};
        for (int fd = 0; fd < MAXFD; fd++) {
            if (!conns[fd].open) continue;
            short ev = 0;
            if (!conns[fd].eof && conns[fd].len < LIMIT) ev |= POLLIN;
            if (conns[fd].len) ev |= POLLOUT;
            pfds[n++] = (struct pollfd){fd, ev, 0};
        }
        if (poll(pfds, n, -1) < 0) { if (errno == EINTR) continue; perror("poll"); return 1; }
        for (int i = 1; i < n; i++) {
            int fd = pfds[i].fd;
            short re = pfds[i].revents;
            if (!re) continue;
            struct conn *c = &conns[fd];
            if ((re & (POLLIN | POLLHUP | POLLERR)) && (pfds[i].events & POLLIN)) {
                ssize_t r = recv(fd, tmp, sizeof tmp, 0);
                if (r > 0) {
                    append(fd, tmp, r);
                } else if (r == 0) {
                    c->eof = 1;
                } else if (errno != EAGAIN && errno != EINTR) {
                    close(fd);          /* the mistake: conns[fd] (its queue) is not freed */
                    c->open = 0;
                    continue;
                }
            }
            if (c->len) {
                ssize_t w = send(fd, c->buf, c->len, 0);
                if (w > 0) {
                    memmove(c->buf, c->buf + w, c->len - w);
                    c->len -= w;
                } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
                    close(fd);
                    free_conn(fd);
                    continue;
                }
            }
            if (c->eof && !c->len) { close(fd); free_conn(fd); }
        }
        if (pfds[0].revents & POLLIN) {
            for (;;) {
                int fd = accept(ls, NULL, NULL);
                if (fd < 0) break;
                if (fd >= MAXFD) { close(fd); continue; }
                fcntl(fd, F_SETFL, O_NONBLOCK);
                conns[fd].open = 1;
                conns[fd].eof = 0;
            }
        }
    }
}

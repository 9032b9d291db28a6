/* One thread, non-blocking sockets and correct framing, but no poll() or select(): the loop calls
 * accept() and recv() on every socket over and over, and takes EAGAIN as "try again at once", so it
 * burns a whole core while nothing arrives.
 * fails: 2 | it spins while nothing arrives */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_FRAME (1u << 20)
#define MAX_CLIENTS 1000

struct client {
    int fd;
    unsigned char *in; size_t in_len, in_cap;
    unsigned char *out; size_t out_len, out_cap, out_off;
};
static struct client clients[MAX_CLIENTS];

static void append(unsigned char **buf, size_t *len, size_t *cap, const unsigned char *p, size_t n) {
    if (*len + n > *cap) {
        size_t c = *cap ? *cap : 4096;
        while (c < *len + n) c *= 2;
        *buf = realloc(*buf, c);
        *cap = c;
    }
    memcpy(*buf + *len, p, n);
    *len += n;
}

static void drop(struct client *c) {
    close(c->fd);
    free(c->in);
    free(c->out);
    memset(c, 0, sizeof *c);
    c->fd = -1;
}

int main(void) {
    for (int i = 0; i < MAX_CLIENTS; i++) clients[i].fd = -1;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *) &a, sizeof a) < 0 || listen(s, 128) < 0) { perror("bind"); return 1; }
    socklen_t len = sizeof a;
    getsockname(s, (struct sockaddr *) &a, &len);
    printf("%d\n", ntohs(a.sin_port));
    fflush(stdout);
    fcntl(s, F_SETFL, O_NONBLOCK);
    unsigned char chunk[65536];
    for (;;) { /* the mistake: no poll(); every pass of this loop runs at once, whether or not anything is ready */
        int fd = accept(s, NULL, NULL);
        if (fd >= 0) {
            fcntl(fd, F_SETFL, O_NONBLOCK);
            int i = 0;
            while (i < MAX_CLIENTS && clients[i].fd >= 0) i++;
            if (i == MAX_CLIENTS) close(fd); else clients[i].fd = fd;
        }
        for (int i = 0; i < MAX_CLIENTS; i++) {
            struct client *c = &clients[i];
            if (c->fd < 0) continue;
            if (c->out_off < c->out_len) {
                ssize_t k = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
                if (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK) { drop(c); continue; }
                if (k > 0) c->out_off += (size_t) k;
                if (c->out_off == c->out_len) c->out_off = c->out_len = 0;
            }
            if (c->out_len - c->out_off > 2 * (size_t) MAX_FRAME) continue; /* a client that does not read is not read from */
            ssize_t k = recv(c->fd, chunk, sizeof chunk, 0);
            if (k == 0) { drop(c); continue; }
            if (k < 0) {
                if (errno != EAGAIN && errno != EWOULDBLOCK) drop(c);
                continue;
            }
            append(&c->in, &c->in_len, &c->in_cap, chunk, (size_t) k);
            size_t at = 0;
            int bad = 0;
            while (c->in_len - at >= 4) {
                unsigned char *h = c->in + at;
                uint32_t n = (uint32_t) h[0] << 24 | (uint32_t) h[1] << 16 | (uint32_t) h[2] << 8 | h[3];
                if (n > MAX_FRAME) { bad = 1; break; }
                if (c->in_len - at < 4 + (size_t) n) break;
                append(&c->out, &c->out_len, &c->out_cap, h, 4 + (size_t) n);
                at += 4 + (size_t) n;
            }
            if (bad) { drop(c); continue; }
            memmove(c->in, c->in + at, c->in_len - at);
            c->in_len -= at;
        }
    }
}

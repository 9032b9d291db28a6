/* A thread per connection and correct framing, but when a client ends cleanly between frames the
 * thread returns without close(): every such connection keeps its descriptor (a socket in CLOSE_WAIT)
 * until the process runs out of them.
 * fails: 7 | connections never closed */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_FRAME (1u << 20)

/* 1: all n bytes; 0: the stream ended before the first; -1: ended inside, or an error */
static int read_fully(int fd, unsigned char *p, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t k = recv(fd, p + got, n - got, 0);
        if (k == 0) return got == 0 ? 0 : -1;
        if (k < 0) return -1;
        got += (size_t) k;
    }
    return 1;
}

static int write_fully(int fd, const unsigned char *p, size_t n) {
    while (n > 0) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k <= 0) return -1;
        p += k;
        n -= (size_t) k;
    }
    return 0;
}

static void *serve(void *arg) {
    int fd = (int) (intptr_t) arg;
    unsigned char head[4];
    for (;;) {
        int r = read_fully(fd, head, 4);
        if (r == 0) return NULL; /* the mistake: a clean end returns without close(fd) */
        if (r < 0) break;
        uint32_t n = (uint32_t) head[0] << 24 | (uint32_t) head[1] << 16 | (uint32_t) head[2] << 8 | head[3];
        if (n > MAX_FRAME) break;
        unsigned char *frame = malloc(4 + (size_t) n);
        if (!frame) break;
        memcpy(frame, head, 4);
        if (read_fully(fd, frame + 4, n) != 1 && n > 0) { free(frame); break; }
        int w = write_fully(fd, frame, 4 + (size_t) n);
        free(frame);
        if (w < 0) break;
    }
    close(fd);
    return NULL;
}

int main(void) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (bind(s, (struct sockaddr *) &a, sizeof a) < 0 || listen(s, 128) < 0) { perror("bind"); return 1; }
    socklen_t len = sizeof a;
    getsockname(s, (struct sockaddr *) &a, &len);
    printf("%d\n", ntohs(a.sin_port));
    fflush(stdout);
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0) continue;
        pthread_t t;
        if (pthread_create(&t, NULL, serve, (void *) (intptr_t) c) != 0) { close(c); continue; }
        pthread_detach(t);
    }
}

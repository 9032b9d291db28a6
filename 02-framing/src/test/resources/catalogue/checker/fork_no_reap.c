/* A forking length-prefixed echo server: unsigned big-endian prefix, 1 MiB limit checked before any
 * allocation, whole frames answered in one write loop, the parent closing its copy of each
 * connection. Nobody waits for the children (no waitpid(), SIGCHLD at its default): every client
 * that came and went leaves a zombie, until fork() fails at the process limit.
 * fails: 7 | zombie children */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <signal.h>
#define LIMIT (1u << 20)
static int exactly(int c, unsigned char *b, size_t n) {
    size_t got = 0;
    while (got < n) { ssize_t k = read(c, b + got, n - got); if (k <= 0) return -1; got += k; }
    return 0;
}
static int all(int c, const unsigned char *b, size_t n) {
    size_t off = 0;
    while (off < n) { ssize_t w = write(c, b + off, n - off); if (w <= 0) return -1; off += w; }
    return 0;
}
int main(void) {
    signal(SIGPIPE, SIG_IGN);
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET; a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s, (struct sockaddr *)&a, sizeof a);
    listen(s, 128);
    socklen_t l = sizeof a;
    getsockname(s, (struct sockaddr *)&a, &l);
    printf("%d\n", ntohs(a.sin_port)); fflush(stdout);
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0) continue;
        pid_t p = fork();
        if (p == 0) {
            close(s);
            unsigned char *b = malloc(LIMIT + 4);
            for (;;) {
                if (exactly(c, b, 4)) _exit(0);
                uint32_t n = ntohl(*(uint32_t *)b);
                if (n > LIMIT) _exit(0);
                if (exactly(c, b + 4, n)) _exit(0);
                if (all(c, b, n + 4)) _exit(0);
            }
        }
        close(c);
    }
}

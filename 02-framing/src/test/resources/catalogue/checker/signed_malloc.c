/* A forked length-prefixed echo server that keeps the prefix in an int: 0x80000000 is negative,
 * slips under "len > LIMIT", and malloc((size_t) len) fails; the NULL is not checked, and the child
 * crashes, leaving the connection to close by accident. Here the parent also exits when a child
 * dies of a signal (a "supervisor" that gives up), so the server is gone.
 * fails: 8 | gone: */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define LIMIT (1 << 20)

static int read_exactly(int fd, char *buf, size_t n) {
    size_t at = 0;
    while (at < n) {
        ssize_t r = read(fd, buf + at, n - at);
        if (r <= 0) return -1;
        at += (size_t) r;
    }
    return 0;
}

static int write_all(int fd, const char *buf, size_t n) {
    size_t at = 0;
    while (at < n) {
        ssize_t w = write(fd, buf + at, n - at);
        if (w <= 0) return -1;
        at += (size_t) w;
    }
    return 0;
}

static void on_child(int sig) {
    (void) sig;
    int status;
    while (waitpid(-1, &status, WNOHANG) > 0) {
        if (WIFSIGNALED(status)) _exit(1);
    }
}

int main(void) {
    signal(SIGCHLD, on_child);
    signal(SIGPIPE, SIG_IGN);
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = 0};
    bind(listener, (struct sockaddr *) &a, sizeof a);
    listen(listener, 128);
    socklen_t len = sizeof a;
    getsockname(listener, (struct sockaddr *) &a, &len);
    printf("%d\n", ntohs(a.sin_port));
    fflush(stdout);
    for (;;) {
        int c = accept(listener, NULL, NULL);
        if (c < 0) continue;
        if (fork() == 0) {
            close(listener);
            for (;;) {
                unsigned char prefix[4];
                if (read_exactly(c, (char *) prefix, 4) < 0) _exit(0);
                int n = (int) ntohl(*(uint32_t *) prefix); /* the mistake: signed */
                if (n > LIMIT) _exit(0);
                char *body = malloc((size_t) n);
                if (n != 0) body[0] = 0; /* NULL when malloc failed: the child dies here */
                if (n != 0 && read_exactly(c, body, (size_t) n) < 0) _exit(0);
                if (write_all(c, (char *) prefix, 4) < 0 || write_all(c, body, (size_t) n) < 0) _exit(0);
                free(body);
            }
        }
        close(c);
    }
}

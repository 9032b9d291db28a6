/* fails: 7 | expected: the request in upper case
 * A forking C server that upper-cases with toupper() byte by byte: in the C locale only ASCII
 * letters change, so every non-ASCII letter comes back as it was sent. */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
    signal(SIGCHLD, SIG_IGN);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s, (struct sockaddr *) &a, sizeof a);
    listen(s, 128);
    socklen_t len = sizeof a;
    getsockname(s, (struct sockaddr *) &a, &len);
    printf("%d\n", ntohs(a.sin_port));
    fflush(stdout);
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0) continue;
        if (fork() == 0) {
            close(s);
            size_t cap = 1 << 16, n = 0;
            char *buf = malloc(cap);
            ssize_t r;
            while ((r = read(c, buf + n, cap - n)) > 0) {
                n += r;
                if (n == cap) buf = realloc(buf, cap *= 2);
            }
            for (size_t i = 0; i < n; i++) buf[i] = toupper((unsigned char) buf[i]);
            for (size_t at = 0; at < n; ) {
                ssize_t w = write(c, buf + at, n - at);
                if (w <= 0) break;
                at += w;
            }
            shutdown(c, SHUT_WR);
            while (read(c, buf, cap) > 0) {}
            _exit(0);
        }
        close(c);
    }
}

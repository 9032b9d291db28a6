/* Echoes strlen(buf) bytes, as if the data were a C string: every zero byte cuts a piece short.
 * fails: 3 | stalled: */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = 0};
    bind(listener, (struct sockaddr *) &a, sizeof a);
    listen(listener, 16);
    socklen_t len = sizeof a;
    getsockname(listener, (struct sockaddr *) &a, &len);
    printf("%d\n", ntohs(a.sin_port));
    fflush(stdout);
    for (;;) {
        int c = accept(listener, NULL, NULL);
        if (c < 0) continue;
        char buf[4097];
        ssize_t n;
        while ((n = read(c, buf, 4096)) > 0) {
            buf[n] = 0;
            size_t m = strlen(buf); /* the mistake */
            size_t at = 0;
            while (at < m) {
                ssize_t w = write(c, buf + at, m - at);
                if (w <= 0) break;
                at += (size_t) w;
            }
        }
        close(c);
    }
}

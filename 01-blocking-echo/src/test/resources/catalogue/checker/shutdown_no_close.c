/* A blocking echo server, one client at a time, that ends each connection with shutdown(SHUT_WR)
 * and never close(): the client gets its FIN, but every connection leaves a descriptor (and a
 * socket in CLOSE_WAIT) behind; when the descriptor limit is reached accept() fails for good.
 * fails: 4 | one for each client that came and went */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 128)) { perror("listen"); return 1; }
    socklen_t len = sizeof a;
    getsockname(ls, (struct sockaddr *)&a, &len);
    printf("%d\n", ntohs(a.sin_port));
    fflush(stdout);
    static char buf[65536];
    for (;;) {
        int c = accept(ls, NULL, NULL);
        if (c < 0) { perror("accept"); continue; }
        for (;;) {
            ssize_t n = recv(c, buf, sizeof buf, 0);
            if (n <= 0) break;
            ssize_t at = 0;
            while (at < n) {
                ssize_t w = send(c, buf + at, n - at, 0);
                if (w < 0) { if (errno == EINTR) continue; goto done; }
                at += w;
            }
        }
    done:
        shutdown(c, SHUT_WR);   /* the mistake: the descriptor is never closed */
    }
}

/* A correct forked echo server: one child process per client, the parent only accepts.
 * passes */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
    signal(SIGCHLD, SIG_IGN);
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
            char buf[65536];
            ssize_t n;
            while ((n = read(c, buf, sizeof buf)) > 0) {
                for (ssize_t at = 0; at < n; ) {
                    ssize_t w = write(c, buf + at, (size_t) (n - at));
                    if (w <= 0) _exit(1);
                    at += w;
                }
            }
            close(c);
            _exit(0);
        }
        close(c);
    }
}

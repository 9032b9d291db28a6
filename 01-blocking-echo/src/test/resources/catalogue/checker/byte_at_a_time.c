/* A blocking echo server, one client at a time, that moves one byte per recv() and one per send(),
 * with TCP_NODELAY "for low latency": every byte comes back right, but each costs two system calls
 * and a segment of its own, so 1 MiB takes hundreds of times longer than it should.
 * fails: 3 | a byte or a few per system call */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
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
    for (;;) {
        int c = accept(ls, NULL, NULL);
        if (c < 0) continue;
        setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        char b;
        for (;;) {
            ssize_t n = recv(c, &b, 1, 0);
            if (n <= 0) break;
            ssize_t w;
            do w = send(c, &b, 1, 0); while (w < 0 && errno == EINTR);
            if (w < 0) break;
        }
        close(c);
    }
}

/* fails: 5 | processed cut short
 * A C echo server with the textbook char buf[1024]: recvfrom truncates a larger datagram silently
 * (MSG_TRUNC is not asked for), and the piece is echoed as the request. It does not de-duplicate
 * either (stage 3 fails too); stage 5 is the one that sees the 1,024-byte buffer. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int main(void) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s, (struct sockaddr *) &a, sizeof a);
    socklen_t len = sizeof a;
    getsockname(s, (struct sockaddr *) &a, &len);
    printf("%d\n", ntohs(a.sin_port));
    fflush(stdout);
    char buf[1024];
    for (;;) {
        struct sockaddr_in from;
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *) &from, &fl);
        if (n < 0) continue;
        sendto(s, buf, n, 0, (struct sockaddr *) &from, fl);
    }
}

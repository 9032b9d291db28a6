/* A poll() echo server with non-blocking sockets whose write() result is not checked: when the
 * client reads slowly, the part of the echo the send buffer did not take is dropped.
 * fails: 2 | nothing for 2 s */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX 1024

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = 0};
    bind(listener, (struct sockaddr *) &a, sizeof a);
    listen(listener, 256);
    socklen_t len = sizeof a;
    getsockname(listener, (struct sockaddr *) &a, &len);
    printf("%d\n", ntohs(a.sin_port));
    fflush(stdout);
    struct pollfd fds[MAX];
    int n = 1;
    fds[0].fd = listener;
    fds[0].events = POLLIN;
    char buf[65536];
    for (;;) {
        if (poll(fds, n, -1) < 0) continue;
        for (int i = n - 1; i >= 0; i--) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            if (i == 0) {
                int c = accept(listener, NULL, NULL);
                if (c >= 0 && n < MAX) {
                    fcntl(c, F_SETFL, O_NONBLOCK);
                    fds[n].fd = c;
                    fds[n].events = POLLIN;
                    n++;
                } else if (c >= 0) {
                    close(c);
                }
                continue;
            }
            ssize_t r = read(fds[i].fd, buf, sizeof buf);
            if (r > 0) {
                (void) write(fds[i].fd, buf, (size_t) r); /* the mistake: a partial write loses the rest */
            } else if (r == 0 || (r < 0)) {
                close(fds[i].fd);
                fds[i] = fds[--n];
            }
        }
    }
}

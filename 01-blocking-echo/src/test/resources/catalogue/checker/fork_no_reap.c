/* A forking echo server: the parent closes its copy of each connection, the child echoes and
 * exits. Nobody waits for the children (no waitpid(), SIGCHLD left at its default), so every
 * client that came and went leaves a zombie, until fork() fails at the process limit.
 * fails: 4 | zombie children */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>
int main(void) {
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
            static char buf[65536];
            ssize_t n;
            while ((n = read(c, buf, sizeof buf)) > 0) {
                ssize_t off = 0;
                while (off < n) { ssize_t w = write(c, buf + off, n - off); if (w <= 0) _exit(1); off += w; }
            }
            _exit(0);
        }
        if (p < 0) perror("fork");
        close(c);   /* the parent's copy: closed. The child: never waited for */
    }
}

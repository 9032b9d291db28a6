/* fails: 7 | expected: the request in upper case
 * A forking C server (reads to end of stream, 16 MiB limit with its error line, reaps its children,
 * ignores SIGPIPE) that upper-cases with mbstowcs(), towupper() and wcstombs() in a UTF-8 locale:
 * mbstowcs() stops at the first NUL byte, a character like any other in UTF-8, so a request with
 * U+0000 in it is answered only up to there. */
#include <arpa/inet.h>
#include <errno.h>
#include <locale.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>
#define LIMIT (16u << 20)
static void reap(int sig) { (void)sig; int e = errno; while (waitpid(-1, NULL, WNOHANG) > 0) {} errno = e; }
static int all(int c, const char *b, size_t n) {
    size_t off = 0;
    while (off < n) { ssize_t w = write(c, b + off, n - off); if (w <= 0) return -1; off += w; }
    return 0;
}
int main(void) {
    if (!setlocale(LC_CTYPE, "C.UTF-8")) setlocale(LC_CTYPE, "en_US.UTF-8");
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa = {0}; sa.sa_handler = reap; sa.sa_flags = SA_RESTART; sigaction(SIGCHLD, &sa, NULL);
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
        if (fork() == 0) {
            close(s);
            size_t cap = 65536, len = 0;
            char *req = malloc(cap + 1);
            for (;;) {
                if (len == cap) { cap *= 2; req = realloc(req, cap + 1); }
                ssize_t k = read(c, req + len, cap - len);
                if (k < 0) _exit(1);
                if (k == 0) break;
                len += k;
                if (len > LIMIT) {
                    char line[64]; int m = snprintf(line, sizeof line, "error: request over %u bytes\n", LIMIT);
                    all(c, line, m); shutdown(c, SHUT_WR); _exit(0);
                }
            }
            req[len] = 0;
            wchar_t *w = malloc((len + 1) * sizeof *w);
            size_t n = mbstowcs(w, req, len + 1);        /* the mistake: stops at the first NUL */
            if (n == (size_t)-1) n = 0;
            for (size_t i = 0; i < n; i++) w[i] = towupper(w[i]);
            char *out = malloc(len * 4 + 1);
            size_t m = wcstombs(out, w, len * 4 + 1);
            if (m == (size_t)-1) m = 0;
            all(c, out, m);
            shutdown(c, SHUT_WR);
            char junk[4096]; while (read(c, junk, sizeof junk) > 0) {}
            _exit(0);
        }
        close(c);
    }
}

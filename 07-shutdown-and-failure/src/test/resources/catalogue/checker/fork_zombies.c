/* fails: 4 | zombie
 * A forking C server (a child per connection) that reads to end of stream with a limit and a timeout,
 * decodes UTF-8 and upper-cases with towupper(): all right, but the parent never waits for a child and
 * leaves SIGCHLD at its default, so every connection served leaves a zombie process; at the user's
 * process limit fork() fails, and the server, which then closes the connection, answers nobody.
 */
#include <arpa/inet.h>
#include <locale.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>

#define LIMIT (16u << 20)

/* Reads to end of stream, at most LIMIT + 1 bytes; returns the length, or -1 on an error or timeout. */
static long read_request(int fd, char **out) {
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (n == cap) {
            if (cap > LIMIT) break;
            buf = realloc(buf, cap *= 2);
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r == 0) break;
        if (r < 0) { free(buf); return -1; }
        n += (size_t) r;
    }
    *out = buf;
    return (long) n;
}

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w <= 0) return -1;
        p += w;
        n -= (size_t) w;
    }
    return 0;
}

/* The UTF-8 request, upper-cased character by character (towupper in C.UTF-8); -1 if it is not UTF-8. */
static long upper_utf8(const char *in, size_t n, char *out) {
    mbstate_t from, to;
    memset(&from, 0, sizeof from);
    memset(&to, 0, sizeof to);
    size_t at = 0, o = 0;
    while (at < n) {
        wchar_t wc;
        size_t k = mbrtowc(&wc, in + at, n - at, &from);
        if (k == (size_t) -1 || k == (size_t) -2) return -1;
        if (k == 0) k = 1; /* a NUL byte */
        at += k;
        o += wcrtomb(out + o, (wchar_t) towupper((wint_t) wc), &to);
    }
    return (long) o;
}

static int listen_on_any_port(void) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *) &a, sizeof a) < 0 || listen(s, 128) < 0) { perror("bind"); exit(1); }
    socklen_t len = sizeof a;
    getsockname(s, (struct sockaddr *) &a, &len);
    printf("%d\n", ntohs(a.sin_port));
    fflush(stdout);
    return s;
}

static void timeout(int fd, int seconds) {
    struct timeval tv = { seconds, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

static void serve(int fd) {
    timeout(fd, 10);
    char *req;
    long n = read_request(fd, &req);
    if (n < 0) return;
    if ((size_t) n > LIMIT) {
        char msg[64];
        int m = snprintf(msg, sizeof msg, "error: request over %u bytes\n", LIMIT);
        write_all(fd, msg, (size_t) m);
        return;
    }
    char *up = malloc((size_t) n * 2 + 16);
    long u = upper_utf8(req, (size_t) n, up);
    if (u < 0) write_all(fd, "error: the request is not UTF-8\n", 32);
    else write_all(fd, up, (size_t) u);
}

int main(void) {
    setlocale(LC_CTYPE, "C.UTF-8");
    signal(SIGPIPE, SIG_IGN);
    int s = listen_on_any_port();
    for (;;) {  /* the mistake: no waitpid() and no signal(SIGCHLD, SIG_IGN): each child stays a zombie */
        int c = accept(s, NULL, NULL);
        if (c < 0) continue;
        pid_t p = fork();
        if (p == 0) {
            close(s);
            serve(c);
            close(c);
            _exit(0);
        }
        close(c);
    }
}

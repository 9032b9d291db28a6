/* fails: 1 | expected: a complete JSON object
 * A C client-list server (a thread per client) that sends its answer with strlen(buf) + 1 bytes,
 * "to include the terminator": every answer is the JSON object followed by a NUL byte, which is
 * not JSON, and which a client that reads to the end of stream gets as part of the answer.
 * Otherwise correct: the name up to its newline or the client's FIN, at most 256 bytes, one CR
 * before the newline dropped, an empty name or one that is not UTF-8 refused with a JSON error. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAXC 4096
static struct { char name[257]; char addr[64]; int port; } list[MAXC];
static int count;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static size_t escape(char *out, const char *in) {
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        if (*p == '"' || *p == '\\') { out[o++] = '\\'; out[o++] = *p; }
        else if (*p < 0x20) o += sprintf(out + o, "\\u%04x", *p);
        else out[o++] = *p;
    }
    out[o] = 0;
    return o;
}

/* True if the n bytes are well-formed UTF-8 (no overlong forms, surrogates, or code points past U+10FFFF). */
static int utf8(const char *text, size_t n) {
    const unsigned char *p = (const unsigned char *)text, *end = p + n;
    while (p < end) {
        unsigned c = *p++;
        int more = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
        if (more < 0 || end - p < more) return 0;
        unsigned cp = more == 0 ? c : c & (0x3F >> more);
        for (int k = 0; k < more; k++, p++) {
            if ((*p & 0xC0) != 0x80) return 0;
            cp = cp << 6 | (*p & 0x3F);
        }
        if ((more == 1 && cp < 0x80) || (more == 2 && cp < 0x800) || (more == 3 && cp < 0x10000)
                || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return 0;
    }
    return 1;
}

static void *serve(void *arg) {
    int c = (int)(long)arg;
    struct sockaddr_in6 peer;
    socklen_t plen = sizeof peer;
    getpeername(c, (struct sockaddr *)&peer, &plen);
    char addr[64]; int port;
    struct sockaddr_in *p4 = (struct sockaddr_in *)&peer;
    inet_ntop(AF_INET, &p4->sin_addr, addr, sizeof addr);
    port = ntohs(p4->sin_port);
    char name[300]; size_t n = 0;
    for (;;) {
        if (n > 256) break;
        ssize_t r = recv(c, name + n, sizeof name - 1 - n, 0);
        if (r <= 0) break;
        n += r;
        if (memchr(name, '\n', n)) break;
    }
    name[n] = 0;
    char *nl = memchr(name, '\n', n);
    if (nl) { *nl = 0; n = nl - name; }
    const char *refusal = n > 256 ? "{\"error\":\"name longer than 256 bytes\"}" : NULL;
    if (!refusal && n > 0 && name[n - 1] == '\r') name[--n] = 0;
    if (!refusal && (n == 0 || memchr(name, 0, n))) refusal = "{\"error\":\"empty name\"}";
    if (!refusal && !utf8(name, n)) refusal = "{\"error\":\"name is not valid UTF-8\"}";
    if (refusal) {
        send(c, refusal, strlen(refusal), 0);
        close(c);
        return NULL;
    }
    pthread_mutex_lock(&lock);
    int i;
    for (i = 0; i < count && strcmp(list[i].name, name); i++) {}
    if (i == count && count < MAXC) count++;
    if (i < MAXC) { strcpy(list[i].name, name); strcpy(list[i].addr, addr); list[i].port = port; }
    size_t cap = 64 + (size_t)count * (6 * 2 * 257 + 128);
    char *buf = malloc(cap), esc[6 * 257 + 1];
    size_t o = 0;
    buf[o++] = '{';
    for (int k = 0; k < count; k++) {
        escape(esc, list[k].name);
        o += sprintf(buf + o, "%s\"%s\":{\"name\":\"%s\",\"address\":\"%s\",\"port\":%d}", k ? "," : "", esc, esc, list[k].addr, list[k].port);
    }
    buf[o++] = '}';
    buf[o] = 0;
    pthread_mutex_unlock(&lock);
    size_t len = strlen(buf) + 1, at = 0;   /* the mistake: the terminator goes out too */
    while (at < len) {
        ssize_t w = send(c, buf + at, len - at, 0);
        if (w <= 0) break;
        at += w;
    }
    free(buf);
    shutdown(c, SHUT_WR);
    char sink[4096];
    while (recv(c, sink, sizeof sink, 0) > 0) {}
    close(c);
    return NULL;
}

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
        pthread_t t;
        pthread_create(&t, NULL, serve, (void *)(long)c);
        pthread_detach(t);
    }
}

/* fails: 2 | a 64-bit long
 * A C server that reads the id with strtoul() into a uint32_t and writes it back with "%u". Ids in
 * this protocol go up to 2^63 - 1: "#4294967297 hi" is answered "#1 Got your message!", which the
 * client never takes for its answer, and #4294967297 and #1 share one slot in the memory of answers. */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_DATAGRAM 8192
#define REMEMBERED 4096

struct answer { struct sockaddr_in from; uint32_t id; int used; char text[64]; int len; };
static struct answer memory[REMEMBERED];
static int next_slot;

int main(void) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *) &a, sizeof a) < 0) { perror("bind"); return 1; }
    socklen_t len = sizeof a;
    getsockname(s, (struct sockaddr *) &a, &len);
    printf("%d\n", ntohs(a.sin_port));
    fflush(stdout);
    static char buf[MAX_DATAGRAM + 1];
    for (;;) {
        struct sockaddr_in from;
        socklen_t flen = sizeof from;
        ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *) &from, &flen);
        if (n < 0 || n > MAX_DATAGRAM) continue;
        int digits = 0;
        if (n >= 3 && buf[0] == '#') {
            while (1 + digits < n && isdigit((unsigned char) buf[1 + digits])) digits++;
        }
        if (digits == 0 || 1 + digits >= n || buf[1 + digits] != ' ') {
            sendto(s, "Got your message!", 17, 0, (struct sockaddr *) &from, flen);
            continue;
        }
        uint32_t id = (uint32_t) strtoul(buf + 1, NULL, 10); /* the mistake: 32 bits for a 64-bit id */
        struct answer *hit = NULL;
        for (int i = 0; i < REMEMBERED; i++) {
            struct answer *m = &memory[i];
            if (m->used && m->id == id && m->from.sin_port == from.sin_port && m->from.sin_addr.s_addr == from.sin_addr.s_addr) { hit = m; break; }
        }
        if (!hit) {
            hit = &memory[next_slot];
            next_slot = (next_slot + 1) % REMEMBERED;
            hit->used = 1;
            hit->from = from;
            hit->id = id;
            hit->len = snprintf(hit->text, sizeof hit->text, "#%u Got your message!", id);
        }
        sendto(s, hit->text, (size_t) hit->len, 0, (struct sockaddr *) &from, flen);
    }
}

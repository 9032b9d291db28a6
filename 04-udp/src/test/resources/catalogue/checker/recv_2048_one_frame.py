# Reads with recvfrom(2048): "a datagram never exceeds one Ethernet frame (1,500 bytes)", so 2,048
# leaves room to spare. A larger datagram is fragmented on the way and reassembled whole, and
# recvfrom(2048) returns its first 2,048 bytes, which are processed and echoed as the request.
# Stage 5's 1,500-byte datagram fits; the last stage's 2,960 and 4,000 to 8,000-byte ones do not,
# over loopback and across the link (--link) alike.
# fails: 7 | processed cut short
import re, socket, sys
args = dict(zip(sys.argv[1::2], sys.argv[2::2]))  # --host H --port P, as the link passes them
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((args.get("--host", "127.0.0.1"), int(args.get("--port", "0"))))
print(s.getsockname()[1], flush=True)
print("listening on %s:%d" % s.getsockname()[:2], flush=True)  # what the link waits for
seen = {}
while True:
    data, sender = s.recvfrom(2048)
    m = re.match(rb"#(\d+) ", data)
    if m:
        seen.setdefault((sender, m.group(1)), data)
        s.sendto(seen[(sender, m.group(1))], sender)
    else:
        s.sendto(data, sender)

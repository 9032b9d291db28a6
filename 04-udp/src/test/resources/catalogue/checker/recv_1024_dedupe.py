# fails: 5 | processed cut short
# De-duplicates correctly, but reads with recvfrom(1024): a 1,500-byte datagram arrives cut to its
# first 1,024 bytes, and that piece is processed and echoed as if it were the request.
import re, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
seen = {}
while True:
    data, sender = s.recvfrom(1024)
    m = re.match(rb"#(\d+) ", data)
    if m:
        seen.setdefault((sender, m.group(1)), data)
        s.sendto(seen[(sender, m.group(1))], sender)
    else:
        s.sendto(data, sender)

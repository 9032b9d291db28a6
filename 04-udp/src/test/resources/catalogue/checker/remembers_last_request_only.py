# fails: 3 | late duplicate
# De-duplicates against the last request only (one remembered id): an immediate retransmission is
# answered from memory, but a late copy that arrives after the next request is processed again.
import re, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
last = None
while True:
    data, sender = s.recvfrom(8192)
    m = re.match(rb"#(\d+) ", data)
    if m and last and last[0] == (sender, m.group(1)):
        s.sendto(last[1], sender)
        continue
    if m:
        last = ((sender, m.group(1)), data)
    s.sendto(data, sender)

# fails: 6 | after the empty datagram
# Treats an empty datagram as end of stream, the TCP habit: "if not data: break". For UDP an empty
# datagram is a datagram, and the server stops answering everyone.
import re, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
seen = {}
while True:
    data, sender = s.recvfrom(65535)
    if not data:
        break
    if len(data) > 8192:
        continue
    m = re.match(rb"#(\d+) ", data)
    if m:
        seen.setdefault((sender, m.group(1)), data)
        data = seen[(sender, m.group(1))]
    s.sendto(data, sender)
import time
time.sleep(3600)

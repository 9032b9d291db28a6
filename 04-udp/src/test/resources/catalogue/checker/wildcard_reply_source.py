# fails: 1 | the routing table picks
# Listens on every address (0.0.0.0) and answers with sendto() on that socket. The kernel picks the
# answer's source address from its routing table, not from where the request was sent: a request to
# 127.0.0.2 is answered from 127.0.0.1, and a client socket connected to 127.0.0.2 drops the answer.
import re, socket
from collections import OrderedDict

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 0))  # the mistake: the wildcard address, and no IP_PKTINFO to answer from the right one
print(s.getsockname()[1], flush=True)
seen = OrderedDict()
while True:
    data, sender = s.recvfrom(8193)
    if len(data) > 8192:
        continue
    m = re.match(rb"#(\d+) ", data)
    if not m:
        s.sendto(b"Got your message!", sender)
        continue
    key = (sender, m.group(1))
    if key not in seen:
        seen[key] = b"#" + m.group(1) + b" Got your message!"
        if len(seen) > 4096:
            seen.popitem(last=False)
    s.sendto(seen[key], sender)

# fails: 4 | remembered by id alone
# An echo server that remembers each answer under the request's id alone. Ids are chosen by each
# client, so two clients send #0 and #1 alike: the second client's "#0 ..." looks like a repeat of the
# first client's, and is answered with the first client's request. The key must be (sender, id).
import re, socket
from collections import OrderedDict

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
seen = OrderedDict()
while True:
    data, sender = s.recvfrom(8193)
    if len(data) > 8192:
        continue
    m = re.match(rb"#(\d+) ", data)
    if not m:
        s.sendto(data, sender)
        continue
    key = m.group(1)  # the mistake: the id alone, not (sender, id)
    if key not in seen:
        seen[key] = data
        if len(seen) > 4096:
            seen.popitem(last=False)
    s.sendto(seen[key], sender)

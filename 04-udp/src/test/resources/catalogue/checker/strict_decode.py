# fails: 6 | not UTF-8
# Decodes every datagram as UTF-8 before it looks for the id, with nothing around the decode: the
# first datagram that is not valid UTF-8 (a Latin-1 "é", a stray 0xff) raises UnicodeDecodeError,
# which ends the loop, and the server, for every client.
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
    text = data.decode("utf-8")  # the mistake: bad input raises, and nothing catches it
    m = re.match(r"#(\d+) ", text)
    if not m:
        s.sendto(b"Got your message!", sender)
        continue
    key = (sender, m.group(1))
    if key not in seen:
        seen[key] = ("#" + m.group(1) + " Got your message!").encode()
        if len(seen) > 4096:
            seen.popitem(last=False)
    s.sendto(seen[key], sender)

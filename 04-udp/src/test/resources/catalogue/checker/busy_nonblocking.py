# fails: 8 | busy: three measurements
# Puts its socket in non-blocking mode "so that the server never hangs", and loops on recvfrom,
# taking BlockingIOError ("nothing yet") as "try again at once". Every answer is right, but with no
# datagram coming it keeps a whole core busy asking.
import re, socket
from collections import OrderedDict

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.setblocking(False)
print(s.getsockname()[1], flush=True)
seen = OrderedDict()
while True:
    try:
        data, sender = s.recvfrom(8193)
    except BlockingIOError:
        continue  # the mistake: spins instead of waiting (no select, no blocking receive)
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

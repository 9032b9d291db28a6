# passes
# A correct UDP echo server: an 8 KiB buffer (a bigger datagram is dropped, not processed), and
# a remembered answer for each (sender, id), so a duplicate is answered but not processed twice.
# The memory keeps the last 4,096 answers (the oldest goes first), so no sender can make it grow.
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
    if m:
        key = (sender, m.group(1))
        if key not in seen:
            seen[key] = data
            if len(seen) > 4096:
                seen.popitem(last=False)
        s.sendto(seen[key], sender)
    else:
        s.sendto(data, sender)

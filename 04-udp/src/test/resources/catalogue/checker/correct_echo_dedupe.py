# passes
# A correct UDP echo server: an 8 KiB buffer (a bigger datagram is dropped, not processed), and
# a remembered answer for each (sender, id), so a duplicate is answered but not processed twice.
import re, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
seen = {}
while True:
    data, sender = s.recvfrom(8193)
    if len(data) > 8192:
        continue
    m = re.match(rb"#(\d+) ", data)
    if m:
        key = (sender, m.group(1))
        if key not in seen:
            seen[key] = data
        s.sendto(seen[key], sender)
    else:
        s.sendto(data, sender)

# fails: 3 | not processed twice
# Answers "#ID processed N" with a running count, and counts every datagram: a retransmission is
# processed (counted) again, and its answer shows it.
import re, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
count = 0
while True:
    data, sender = s.recvfrom(8192)
    count += 1
    m = re.match(rb"#(\d+) ", data)
    prefix = b"#" + m.group(1) + b" " if m else b""
    s.sendto(prefix + b"processed " + str(count).encode(), sender)

# fails: 3 | not processed twice
# The everyday UDP echo loop: every datagram is processed and echoed, a retransmission too. With
# an echo, the second copy of #17 is answered with what it carries now, not with the first answer.
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
while True:
    data, sender = s.recvfrom(65535)
    s.sendto(data, sender)

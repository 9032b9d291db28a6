# fails: 1 | answers from
# Answers from a fresh socket for each reply (a common "client socket for the reply" idea): the
# answer comes from another port, which a client's connected or checking socket does not accept.
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
while True:
    data, sender = s.recvfrom(8192)
    r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    r.sendto(data, sender)
    r.close()

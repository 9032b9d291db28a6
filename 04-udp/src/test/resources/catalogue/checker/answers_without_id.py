# fails: 2 | starts with
# The seed's answer, "Got your message!", for every datagram: no id, so a client cannot tell which
# request an answer belongs to.
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
while True:
    data, sender = s.recvfrom(8192)
    s.sendto(b"Got your message!", sender)

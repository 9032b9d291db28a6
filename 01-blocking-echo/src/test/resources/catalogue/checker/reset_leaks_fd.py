# A one-client-at-a-time echo server that keeps its open connections in a set, to close them all
# at exit. Its reset path only logs: the connection is neither closed nor taken out of the set, so
# every client that resets costs a descriptor for good, until accept() fails with EMFILE.
# fails: 6 | about one for each client that reset
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(128)
print(s.getsockname()[1], flush=True)
open_conns = set()
try:
    while True:
        c, peer = s.accept()
        open_conns.add(c)
        try:
            while True:
                d = c.recv(65536)
                if not d:
                    break
                c.sendall(d)
            open_conns.discard(c)
            c.close()
        except ConnectionResetError:
            print("reset by", peer, flush=True)   # the mistake: no close, still in the set
finally:
    for c in open_conns:
        c.close()

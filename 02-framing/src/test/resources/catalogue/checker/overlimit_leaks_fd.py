# A threaded length-prefixed echo server (unsigned 4-byte prefix, 1 MiB limit, whole frames, one
# sendall each) that keeps every live connection in a set, to close them all at shutdown. A prefix
# over the limit is refused with shutdown(SHUT_RDWR) and a return: the client sees its FIN, but the
# socket is never closed nor taken out of the set, so each refusal leaks a descriptor for good.
# fails: 6 | about one for each refusal
import socket, struct, threading
LIMIT = 1 << 20
live, lock = set(), threading.Lock()
def exactly(c, n):
    b = bytearray()
    while len(b) < n:
        chunk = c.recv(min(65536, n - len(b)))
        if not chunk:
            return None
        b += chunk
    return bytes(b)
def serve(c):
    try:
        while True:
            h = exactly(c, 4)
            if h is None:
                break
            (n,) = struct.unpack(">I", h)
            if n > LIMIT:
                c.shutdown(socket.SHUT_RDWR)
                return                      # the mistake: no close, still in `live`
            body = exactly(c, n)
            if body is None:
                break
            c.sendall(h + body)
    except OSError:
        pass
    with lock:
        live.discard(c)
    c.close()
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(128)
print(s.getsockname()[1], flush=True)
while True:
    c, _ = s.accept()
    with lock:
        live.add(c)
    threading.Thread(target=serve, args=(c,), daemon=True).start()

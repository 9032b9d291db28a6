# Checks the prefix against the 1 MiB limit, then allocates (and zeroes) the whole announced body at
# once, before any byte of it has come: 64 clients that announce 1 MiB and send nothing cost it 64 MiB.
# fails: 4 | it allocated each announced frame
import socket, struct, threading

MAX = 1 << 20

def serve(conn):
    with conn:
        try:
            while True:
                head = bytearray()
                while len(head) < 4:
                    chunk = conn.recv(4 - len(head))
                    if not chunk:
                        return
                    head += chunk
                (n,) = struct.unpack("!I", head)
                if n > MAX:
                    return
                body = bytearray(n)  # the mistake: the announced length, allocated before one byte of it arrived
                view = memoryview(body)
                got = 0
                while got < n:
                    k = conn.recv_into(view[got:], min(65536, n - got))
                    if k == 0:
                        return
                    got += k
                conn.sendall(bytes(head) + bytes(body))
        except OSError:
            pass

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(128)
print(s.getsockname()[1], flush=True)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()

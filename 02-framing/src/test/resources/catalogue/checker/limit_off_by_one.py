# Checks the 1 MiB limit with >= instead of >: a frame of exactly 1,048,576 bytes, which the protocol
# allows, is refused and its connection closed.
# fails: 4 | lost: c1 got 0 of 1048580 bytes
import socket, struct, threading

MAX = 1 << 20

def recv_exactly(conn, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = conn.recv(min(65536, n - len(buf)))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)

def serve(conn):
    with conn:
        try:
            while True:
                head = recv_exactly(conn, 4)
                if head is None:
                    return
                (n,) = struct.unpack("!I", head)
                if n >= MAX:  # the mistake: off by one, exactly MAX bytes is a valid frame
                    print("frame of", n, "bytes refused", flush=True)
                    return
                body = recv_exactly(conn, n)
                if body is None:
                    return
                conn.sendall(head + body)
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

# Frames correctly, but writes each answer as two sendall() calls, the prefix and then the body,
# with Nagle's algorithm on: the body waits until the prefix is acknowledged, and the client, with
# nothing to send, delays that ACK, so every small round trip takes 40 ms or more instead of well
# under one.
# fails: 1 | two writes per answer
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
                if n > MAX:
                    return
                body = recv_exactly(conn, n)
                if body is None:
                    return
                conn.sendall(head)   # the mistake: two writes per answer, Nagle on
                conn.sendall(body)
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

# Frames the stream correctly, but treats a frame whose body is "quit" as a command and closes the
# connection instead of echoing it. The protocol has no commands: every frame is data and comes back.
# fails: 1 | lost: c1 got 0 of 8 bytes
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
                if body.strip().lower() == b"quit":  # the mistake: a "quit" command the protocol does not have
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

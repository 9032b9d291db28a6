# Reads the prefix properly, then the body with a single recv(n): a body that arrives in pieces is
# echoed short, under a prefix that promises more.
# fails: 2 | each in a loop (F-10)
import socket, struct, threading
LIMIT = 1 << 20

def recv_exactly(conn, n):
    data = bytearray()
    while len(data) < n:
        chunk = conn.recv(min(65536, n - len(data)))
        if not chunk:
            return None
        data += chunk
    return bytes(data)

def main(serve):
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    print(listener.getsockname()[1], flush=True)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve_quietly, args=(serve, conn), daemon=True).start()

def serve_quietly(serve, conn):
    with conn:
        try:
            serve(conn)
        except OSError:
            pass

def serve(conn):
    while True:
        prefix = recv_exactly(conn, 4)
        if prefix is None:
            return
        (n,) = struct.unpack(">I", prefix)
        if n > LIMIT:
            return
        body = conn.recv(n) if n else b""
        conn.sendall(prefix + body)
main(serve)

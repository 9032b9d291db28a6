# Unpacks the prefix as a signed int (">i"): 80 00 00 00 is negative, passes the limit check, and
# the server carries on with the connection instead of refusing it.
# fails: 8 | it kept it open
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
        (n,) = struct.unpack(">i", prefix)
        if n > LIMIT:
            return
        body = recv_exactly(conn, max(n, 0))
        if body is None:
            return
        conn.sendall(prefix + body)
main(serve)

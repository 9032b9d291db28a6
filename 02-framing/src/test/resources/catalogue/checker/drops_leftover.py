# recv(65536) and parse one frame from it: whatever else that read brought (the next frame) is dropped.
# fails: 3 | stalled:
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
        data = conn.recv(65536)
        if not data:
            return
        while len(data) < 4:
            more = conn.recv(65536)
            if not more:
                return
            data += more
        (n,) = struct.unpack(">I", data[:4])
        if n > LIMIT:
            return
        while len(data) < 4 + n:
            more = conn.recv(65536)
            if not more:
                return
            data += more
        conn.sendall(data[:4 + n])
main(serve)

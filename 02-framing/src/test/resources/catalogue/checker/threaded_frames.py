# A correct threaded length-prefixed echo server: unsigned prefix, limit checked first, a client
# silent for a minute dropped, and a deadline for each whole frame and each answer (30 s), so a
# client that sends a byte now and then, or never reads, cannot hold its thread for ever.
# passes
import socket, struct, threading, time
LIMIT = 1 << 20
IDLE = 60.0   # the longest silence before a frame
FRAME = 30.0  # the longest a frame may take once its first byte has come, and its answer

def recv_exactly(conn, n, deadline):
    data = bytearray()
    while len(data) < n:
        left = deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout("the frame took longer than its deadline")
        conn.settimeout(left)
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
        conn.settimeout(IDLE)
        first = conn.recv(1)
        if not first:
            return
        deadline = time.monotonic() + FRAME
        rest = recv_exactly(conn, 3, deadline)
        if rest is None:
            return
        prefix = first + rest
        (n,) = struct.unpack(">I", prefix)
        if n > LIMIT:
            return
        body = recv_exactly(conn, n, deadline)
        if body is None:
            return
        conn.settimeout(FRAME)  # sendall: the whole answer within this
        conn.sendall(prefix + body)
main(serve)

# fails: 1 | lost:
# Sets SO_LINGER to 0 on every connection "to avoid TIME_WAIT": close() then sends a reset instead of
# a FIN, and throws away any answer still queued; even an answer that got through ends in a reset, not
# in end of stream, so the client cannot know it has the whole of it.
import socket, struct, threading

LIMIT = 16 << 20

def serve(conn):
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # the mistake
    with conn:
        try:
            conn.settimeout(10)
            request = bytearray()
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                request += chunk
                if len(request) > LIMIT:
                    conn.sendall(b"error: request over %d bytes\n" % LIMIT)
                    return
            conn.sendall(bytes(request).decode("utf-8", "replace").upper().encode("utf-8"))
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

# passes
# A correct half-close server: a thread per connection, the request read to end of stream (at most
# 16 MiB: one byte more, and it says so and stops), decoded once when whole, answered in upper case,
# then the sending side shut down.
import socket, threading
LIMIT = 16 << 20
def serve(conn):
    with conn:
        try:
            request = bytearray()
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                request += chunk
                if len(request) > LIMIT:
                    conn.sendall(b"error: request over %d bytes\n" % LIMIT)
                    conn.shutdown(socket.SHUT_WR)
                    return
            conn.sendall(request.decode("utf-8").upper().encode("utf-8"))
            conn.shutdown(socket.SHUT_WR)
        except OSError:
            pass
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(128)
print(s.getsockname()[1], flush=True)
while True:
    conn, _ = s.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()

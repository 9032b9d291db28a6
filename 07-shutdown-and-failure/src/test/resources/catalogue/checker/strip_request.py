# fails: 1 | expected: 20 09 20 48
# A thread per connection that reads to end of stream, keeps a 16 MiB limit with its error line,
# decodes once and answers in upper case, but strip()s the request first (to drop the newline nc
# sends): the blanks at either end of the request are missing from the answer.
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
            conn.sendall(request.decode("utf-8").strip().upper().encode("utf-8"))   # the mistake: strip()
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

# fails: 3 | no limit
# A thread per connection with a 16 MiB limit and its error line, but the limit is checked before
# each read is added to the request, never after: the read that takes the request over the limit is
# the last one counted, so a request up to one read (64 KiB) over the limit is answered in full.
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
                if len(request) > LIMIT:   # the mistake: checked before this chunk is counted
                    conn.sendall(b"error: request over %d bytes\n" % LIMIT)
                    conn.shutdown(socket.SHUT_WR)
                    return
                request += chunk
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

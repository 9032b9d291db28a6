# fails: 3 | no error line
# Has a 16 MiB limit, but a request over it is met by closing the connection without a word (with the
# client's bytes still unread, so usually a reset): the client cannot tell "too large" from a crash,
# and an empty answer is also what an empty request gets.
import socket, threading

LIMIT = 16 << 20

def serve(conn):
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
                    return  # the mistake: no "error: request over ..." before closing
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

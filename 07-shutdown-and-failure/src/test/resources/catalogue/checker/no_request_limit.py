# fails: 3 | no limit
# A thread per connection that reads to end of stream, decodes once and answers in upper case, but
# keeps every byte it is sent: nothing stops a request, so a client that sends 17 MiB (or 2 GB, never
# half-closing) makes the server hold all of it, and its decoded and upper-cased copies besides.
import socket, threading

def serve(conn):
    with conn:
        try:
            conn.settimeout(10)
            chunks = []
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)  # the mistake: no limit on what is kept
            conn.sendall(b"".join(chunks).decode("utf-8").upper().encode("utf-8"))
        except (OSError, UnicodeDecodeError):
            pass

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(128)
print(s.getsockname()[1], flush=True)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()

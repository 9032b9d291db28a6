# fails: 2 | lost:
# Takes 2 s of silence for the end of the request ("for clients that forget to half-close"): a client
# that pauses in the middle of its request, a slow link or a person typing, gets the upper case of the
# first part only. The end of a request is the half-close, nothing else.
import socket, threading

LIMIT = 16 << 20

def serve(conn):
    with conn:
        try:
            conn.settimeout(2)
            request = bytearray()
            while len(request) <= LIMIT:
                try:
                    chunk = conn.recv(65536)
                except socket.timeout:
                    break  # the mistake: silence taken for the end of the request
                if not chunk:
                    break
                request += chunk
            if len(request) > LIMIT:
                conn.sendall(b"error: request over %d bytes\n" % LIMIT)
                return
            conn.settimeout(30)
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

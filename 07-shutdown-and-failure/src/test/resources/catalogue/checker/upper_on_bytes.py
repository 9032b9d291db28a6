# fails: 7 | expected: the request in upper case
# Upper-cases the bytes (bytes.upper()): only ASCII letters change, so "käse" comes back "KäSE".
import socket, threading
def serve(conn):
    with conn:
        try:
            request = b""
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                request += chunk
            conn.sendall(request.upper())
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

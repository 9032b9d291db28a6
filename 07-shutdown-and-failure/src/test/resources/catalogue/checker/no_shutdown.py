# fails: 1 | stalled
# Answers, then keeps the connection for a next request (keep-alive, the HTTP/1.1 habit) and never
# shuts down its sending side: a client that reads to end of stream never sees the answer end.
import socket, threading
kept = []
def serve(conn):
    request = b""
    while True:
        chunk = conn.recv(65536)
        if not chunk:
            break
        request += chunk
    conn.sendall(request.decode("utf-8").upper().encode("utf-8"))
    kept.append(conn)
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(128)
print(s.getsockname()[1], flush=True)
while True:
    conn, _ = s.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()

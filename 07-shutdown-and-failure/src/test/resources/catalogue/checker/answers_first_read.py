# fails: 3 | expected:
# Answers the first read (recv(65536)) as if it were the whole request, then reads on to the end
# of stream so that the close is clean: a request larger than one read is answered with its start.
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
                if len(request) == len(chunk):
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

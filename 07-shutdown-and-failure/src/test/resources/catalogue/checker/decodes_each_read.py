# fails: 7 | expected: the request in upper case
# Decodes each read on its own, replacing what does not decode: a character split between two reads
# becomes two U+FFFD replacement characters in the answer.
import socket, threading
def serve(conn):
    with conn:
        try:
            request = ""
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                request += chunk.decode("utf-8", errors="replace")
            conn.sendall(request.upper().encode("utf-8"))
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

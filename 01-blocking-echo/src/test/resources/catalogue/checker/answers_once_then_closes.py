# One recv(), one sendall(), close: right for a message that comes in one piece, wrong for one that
# comes in many.
# fails: 2 | lost:
import socket
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(('127.0.0.1', 0))
listener.listen(5)
print(listener.getsockname()[1], flush=True)
while True:
    conn, _ = listener.accept()
    with conn:
        try:
            conn.sendall(conn.recv(4096))
        except OSError:
            pass

# No error handling around a client: the first reset raises ConnectionResetError, which ends the
# whole program.
# fails: 6 | gone:
import socket
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(('127.0.0.1', 0))
listener.listen(5)
print(listener.getsockname()[1], flush=True)
while True:
    conn, _ = listener.accept()
    while True:
        data = conn.recv(4096)
        if not data:
            break
        conn.sendall(data)
    conn.close()

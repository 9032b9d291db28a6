# Treats the bytes as UTF-8 text: recv().decode(errors='replace'), then encode() to send back.
# Binary data comes back changed.
# fails: 2 | first difference at byte
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
            while True:
                data = conn.recv(4096)
                if not data:
                    break
                conn.sendall(data.decode('utf-8', errors='replace').encode('utf-8'))
        except OSError:
            pass

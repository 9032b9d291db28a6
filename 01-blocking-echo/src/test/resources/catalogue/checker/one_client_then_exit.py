# Serves the first client, then the script ends: there is no loop around accept().
# fails: 4 | gone:
import socket
listener = socket.socket()
listener.bind(('127.0.0.1', 0))
listener.listen(5)
print(listener.getsockname()[1], flush=True)
conn, _ = listener.accept()
while True:
    data = conn.recv(4096)
    if not data:
        break
    conn.sendall(data)
conn.close()

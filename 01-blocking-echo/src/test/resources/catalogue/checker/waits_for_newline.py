# Echoes line by line: it waits for a newline before sending anything back.
# fails: 2 | stalled:
import socket
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(('127.0.0.1', 0))
listener.listen(5)
print(listener.getsockname()[1], flush=True)
while True:
    conn, _ = listener.accept()
    with conn:
        reader = conn.makefile('rb')
        try:
            for line in reader:
                conn.sendall(line)
        except OSError:
            pass

# A threaded echo server with a "convenience" command: a read that is exactly quit with LF or
# CRLF (what nc or telnet send for a typed line) closes the connection instead of being echoed.
# An echo server's bytes are data, whatever they look like.
# fails: 4 | lost:
import socket, threading
def serve(c):
    with c:
        try:
            while True:
                data = c.recv(65536)
                if not data or data.strip() == b'quit':
                    return
                c.sendall(data)
        except OSError:
            pass
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(('127.0.0.1', 0))
listener.listen(128)
print(listener.getsockname()[1], flush=True)
while True:
    c, _ = listener.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()

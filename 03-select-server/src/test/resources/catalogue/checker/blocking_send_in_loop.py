# One thread, select() for readable sockets, then a blocking sendall() of the echo: a client that
# does not read blocks the sendall, and with it everybody else.
# fails: 4 | stalled:
import select, socket
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(('127.0.0.1', 0))
listener.listen(256)
print(listener.getsockname()[1], flush=True)
clients = []
while True:
    readable, _, _ = select.select([listener] + clients, [], [])
    for s in readable:
        if s is listener:
            c, _ = listener.accept()
            clients.append(c)
            continue
        try:
            data = s.recv(65536)
            if data:
                s.sendall(data)       # the mistake: blocks until this one client reads
                continue
        except OSError:
            pass
        clients.remove(s)
        s.close()

# Non-blocking sockets, but the echo is sent with one send() whose return value is ignored: what the
# send buffer did not take is lost.
# fails: 2 | nothing for 2 s
import select, socket
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(('127.0.0.1', 0))
listener.listen(256)
listener.setblocking(False)
print(listener.getsockname()[1], flush=True)
clients = []
while True:
    readable, _, _ = select.select([listener] + clients, [], [])
    for s in readable:
        if s is listener:
            c, _ = listener.accept()
            c.setblocking(False)
            clients.append(c)
            continue
        try:
            data = s.recv(65536)
            if data:
                try:
                    s.send(data)      # the mistake: a partial send drops the rest
                except BlockingIOError:
                    pass
                continue
        except OSError:
            pass
        clients.remove(s)
        s.close()

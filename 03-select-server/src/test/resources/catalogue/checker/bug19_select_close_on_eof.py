# A select() echo server that closes a connection as soon as recv() returns b'' (end of stream),
# dropping the echo it still has queued for that client (BUG-19).
# fails: 5 | lost:
import select, socket
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(('127.0.0.1', 0))
listener.listen(64)
listener.setblocking(False)
print(listener.getsockname()[1], flush=True)
queues = {}
while True:
    writers = [s for s, q in queues.items() if q]
    readable, writable, _ = select.select([listener] + list(queues), writers, [])
    for s in readable:
        if s is listener:
            c, _ = listener.accept()
            c.setblocking(False)
            queues[c] = bytearray()
            continue
        try:
            data = s.recv(65536)
        except OSError:
            data = b''
        if not data:
            del queues[s]        # the mistake: the queued echo is thrown away
            s.close()
        else:
            queues[s] += data
    for s in writable:
        if s in queues and queues[s]:
            try:
                n = s.send(queues[s])
                del queues[s][:n]
            except OSError:
                del queues[s]
                s.close()

# A select() echo server that always reads from every client, however much echo it already owes:
# a client that never reads makes its queue grow without bound.
# fails: 4 | it keeps an unbounded echo
import select, socket
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(('127.0.0.1', 0))
listener.listen(256)
listener.setblocking(False)
print(listener.getsockname()[1], flush=True)
queues = {}
closing = set()

def drop(s):
    queues.pop(s, None)
    closing.discard(s)
    s.close()

while True:
    readers = [listener] + [s for s in queues if s not in closing]
    writers = [s for s, q in queues.items() if q]
    readable, writable, _ = select.select(readers, writers, [])
    for s in readable:
        if s is listener:
            c, _ = listener.accept()
            c.setblocking(False)
            queues[c] = bytearray()
            continue
        try:
            data = s.recv(65536)
        except OSError:
            drop(s)
            continue
        if not data:
            closing.add(s)
            if not queues[s]:
                drop(s)
        else:
            queues[s] += data     # the mistake: no limit on what is owed
    for s in writable:
        if s not in queues:
            continue
        try:
            n = s.send(queues[s])
            del queues[s][:n]
        except BlockingIOError:
            pass
        except OSError:
            drop(s)
            continue
        if s in closing and not queues[s]:
            drop(s)

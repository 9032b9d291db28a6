# A select() echo server with a queue and back-pressure that, on end of stream with echo still
# owed, marks the client closing but leaves it in the read list: a socket at end of stream is always
# readable (recv() returns b'' every time), so the loop spins at full CPU until the echo is drained,
# for ever if the half-closed client never reads it.
# fails: 8 | while c2 had half-closed
import select, socket
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(('127.0.0.1', 0))
listener.listen(256)
listener.setblocking(False)
print(listener.getsockname()[1], flush=True)
queues = {}
closing = set()
LIMIT = 1024 * 1024

def drop(s):
    queues.pop(s, None)
    closing.discard(s)
    s.close()

while True:
    readers = [listener] + [s for s, q in queues.items() if len(q) < LIMIT]   # the mistake: closing ones too
    writers = [s for s, q in queues.items() if q]
    readable, writable, _ = select.select(readers, writers, [])
    for s in readable:
        if s is listener:
            c, _ = listener.accept()
            c.setblocking(False)
            queues[c] = bytearray()
            continue
        if s not in queues:
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
            queues[s] += data
    for s in writable:
        if s not in queues:
            continue
        q = queues[s]
        try:
            del q[:s.send(q)]
        except BlockingIOError:
            continue
        except OSError:
            drop(s)
            continue
        if s in closing and not q:
            drop(s)

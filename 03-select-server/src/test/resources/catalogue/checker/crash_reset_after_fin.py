# A select() echo server with a queue and back-pressure that survives resets on open connections,
# but drains a half-closed client (end of stream read, echo still owed) in a branch of its own that
# expects only "would block" from send(): a client that half-closes and then resets before its echo
# is all sent raises ConnectionResetError or BrokenPipeError out of the loop, and the process exits.
# fails: 6 | gone:
import select, socket
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(('127.0.0.1', 0))
listener.listen(256)
listener.setblocking(False)
print(listener.getsockname()[1], flush=True)
queues = {}
closing = set()
LIMIT = 256 * 1024

def drop(s):
    queues.pop(s, None)
    closing.discard(s)
    s.close()

while True:
    readers = [listener] + [s for s, q in queues.items() if s not in closing and len(q) < LIMIT]
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
            queues[s] += data
    for s in writable:
        if s not in queues:
            continue
        q = queues[s]
        if s in closing:               # draining after end of stream
            try:
                del q[:s.send(q)]      # the mistake: only "would block" is expected here
            except BlockingIOError:
                continue
            if not q:
                drop(s)
            continue
        try:
            del q[:s.send(q)]
        except BlockingIOError:
            continue
        except OSError:
            drop(s)

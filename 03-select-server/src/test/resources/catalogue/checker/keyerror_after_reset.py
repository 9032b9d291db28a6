# A select() echo server with a queue and back-pressure that catches errors from recv() and send(),
# but whose write loop trusts the list select() returned: a client that resets while the server
# still reads from it and holds echo for it is in both the readable and the writable list of one
# select(). The read sees the reset and drops it; the write loop then looks up its queue, gone, and
# the KeyError ends the process.
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
LIMIT = 1024 * 1024

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
        q = queues[s]                  # the mistake: s may have been dropped above
        try:
            del q[:s.send(q)]
        except BlockingIOError:
            continue
        except OSError:
            drop(s)
            continue
        if s in closing and not q:
            drop(s)

# A select() echo server with a queue and back-pressure that handles a reset seen by recv() but not
# one seen by send(): a client that resets while the server holds echo for it (and no longer reads
# from it) raises ConnectionResetError or BrokenPipeError out of the loop, and the process exits.
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
        try:
            n = s.send(queues[s])      # the mistake: only "would block" is caught here
        except BlockingIOError:
            continue
        del queues[s][:n]
        if s in closing and not queues[s]:
            drop(s)

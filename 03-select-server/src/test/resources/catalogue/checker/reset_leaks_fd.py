# A selectors echo server with back-pressure (a client owed 256 KiB is not read until it drains)
# that remembers every accepted socket, to close them all at exit. On an error (a reset) it drops
# the client's queue but neither closes the socket nor forgets it: each client that resets costs a
# descriptor for good, until accept() fails with EMFILE.
# fails: 3 | about one for each client that closed or reset
import selectors, socket, atexit
HIGH = 256 * 1024
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(('127.0.0.1', 0))
listener.listen(1024)
listener.setblocking(False)
print(listener.getsockname()[1], flush=True)
queues, closing = {}, set()
accepted = []
atexit.register(lambda: [s.close() for s in accepted])
sel = selectors.DefaultSelector()
def drop(s, error=False):
    queues.pop(s, None)
    closing.discard(s)
    if not error:
        accepted.remove(s)
        s.close()
    # the mistake: on an error the socket is neither closed nor forgotten
while True:
    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ)
    for s, q in queues.items():
        ev = (selectors.EVENT_READ if s not in closing and len(q) < HIGH else 0) | (selectors.EVENT_WRITE if q else 0)
        if ev:
            sel.register(s, ev)
    events = sel.select()
    sel.close()
    readable = [k.fileobj for k, m in events if m & selectors.EVENT_READ]
    writable = [k.fileobj for k, m in events if m & selectors.EVENT_WRITE]
    for s in readable:
        if s is listener:
            try:
                c, _ = listener.accept()
            except BlockingIOError:
                continue
            c.setblocking(False)
            queues[c] = bytearray()
            accepted.append(c)
            continue
        if s not in queues:
            continue
        try:
            data = s.recv(65536)
        except BlockingIOError:
            continue
        except OSError:
            drop(s, error=True)
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
            n = s.send(queues[s])
            del queues[s][:n]
        except BlockingIOError:
            pass
        except OSError:
            drop(s, error=True)
            continue
        if s in closing and not queues[s]:
            drop(s)

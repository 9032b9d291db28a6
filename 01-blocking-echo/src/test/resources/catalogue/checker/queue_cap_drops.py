# A selectors echo server that never stops reading. To bound its memory it keeps at most 1 MiB of
# unsent echo per client and silently throws away whatever would go past that, instead of
# reading no more until the client catches up: a client that sends megabytes before it reads
# gets back a short echo.
# fails: 5 | lost:
import selectors, socket
MAX_QUEUE = 1 << 20
sel = selectors.DefaultSelector()
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(('127.0.0.1', 0))
listener.listen(128)
listener.setblocking(False)
print(listener.getsockname()[1], flush=True)
sel.register(listener, selectors.EVENT_READ)
queues, closing = {}, set()

def drop(s):
    sel.unregister(s)
    queues.pop(s, None)
    closing.discard(s)
    s.close()

def flush(s):
    q = queues[s]
    try:
        if q:
            del q[:s.send(q)]
    except BlockingIOError:
        pass
    except OSError:
        drop(s)
        return
    if not q and s in closing:
        drop(s)
        return
    sel.modify(s, selectors.EVENT_READ | (selectors.EVENT_WRITE if q else 0))

while True:
    for key, ev in sel.select():
        s = key.fileobj
        if s is listener:
            c, _ = listener.accept()
            c.setblocking(False)
            queues[c] = bytearray()
            sel.register(c, selectors.EVENT_READ)
            continue
        if s not in queues:
            continue
        if ev & selectors.EVENT_READ and s not in closing:
            try:
                data = s.recv(65536)
            except BlockingIOError:
                data = None
            except OSError:
                drop(s)
                continue
            if data == b'':
                closing.add(s)
            elif data:
                q = queues[s]
                room = MAX_QUEUE - len(q)
                q += data[:room]          # the mistake: the rest is thrown away, not left unread
        flush(s)

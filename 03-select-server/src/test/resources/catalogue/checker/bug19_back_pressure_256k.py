# A select() echo server with back-pressure and hysteresis (it stops reading from a client it owes
# 256 KiB, and reads again once it owes less than 64 KiB) that closes a connection as soon as
# recv() returns b'' (end of stream), throwing away the echo still queued for it (BUG-19).
# fails: 5 | lost:
import select, socket
HIGH_WATER = 256 * 1024
LOW_WATER = HIGH_WATER // 4
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(('127.0.0.1', 0))
listener.listen(256)
listener.setblocking(False)
print(listener.getsockname()[1], flush=True)
queues = {}
paused = set()

def drop(s):
    queues.pop(s, None)
    paused.discard(s)
    s.close()

while True:
    readers = [listener] + [s for s in queues if s not in paused]
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
            drop(s)              # the mistake: the queued echo is thrown away
            continue
        q = queues[s]
        q += data
        try:
            del q[:s.send(q)]    # straight out while the send buffer has room
        except BlockingIOError:
            pass
        except OSError:
            drop(s)
            continue
        if len(q) >= HIGH_WATER:
            paused.add(s)
    for s in writable:
        if s not in queues:
            continue
        q = queues[s]
        try:
            del q[:s.send(q)]
        except BlockingIOError:
            pass
        except OSError:
            drop(s)
            continue
        if len(q) < LOW_WATER:
            paused.discard(s)

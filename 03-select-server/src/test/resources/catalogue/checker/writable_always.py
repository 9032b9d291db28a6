# A select() echo server that is right in every way but one: like the selectors example many
# tutorials start from, it asks about writing for every connection all the time. A socket with room
# in its send buffer is always writable, so select() returns at once, again and again, and the loop
# keeps a processor busy while every client is idle (S-08).
# fails: 8 | busy: three measurements running
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
ended = set()

def drop(s):
    queues.pop(s, None)
    paused.discard(s)
    ended.discard(s)
    s.close()

def flush(s):
    q = queues[s]
    try:
        del q[:s.send(q)]
    except BlockingIOError:
        pass
    except OSError:
        drop(s)
        return
    if len(q) < LOW_WATER:
        paused.discard(s)
    if s in ended and not q:
        drop(s)                  # all echo sent after the client's end of stream

while True:
    readers = [listener] + [s for s in queues if s not in paused and s not in ended]
    writers = list(queues)       # the mistake: asks about writing even when nothing is queued
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
            ended.add(s)
            if not queues[s]:
                drop(s)
            continue
        queues[s] += data
        flush(s)
        if s in queues and len(queues[s]) >= HIGH_WATER:
            paused.add(s)
    for s in writable:
        if s in queues and queues[s]:
            flush(s)

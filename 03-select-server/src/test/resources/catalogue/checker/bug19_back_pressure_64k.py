# A select() echo server with back-pressure (it stops reading from a client it owes 64 KiB) that
# closes a connection as soon as recv() returns b'' (end of stream), throwing away the echo still
# queued for it (BUG-19): the high-water mark bounds its memory, and also how much it loses.
# fails: 5 | lost:
import select, socket
HIGH_WATER = 64 * 1024
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(('127.0.0.1', 0))
listener.listen(256)
listener.setblocking(False)
print(listener.getsockname()[1], flush=True)
queues = {}

def drop(s):
    queues.pop(s, None)
    s.close()

while True:
    readers = [listener] + [s for s, q in queues.items() if len(q) < HIGH_WATER]
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
            drop(s)

# A select() server that answers as it reads (each piece upper-cased through an incremental UTF-8
# decoder, so split characters are right), with back-pressure at 256 KiB of unsent answer, that
# closes the connection as soon as recv() returns b'': the answer still queued is thrown away.
# fails: 8 | lost:
import codecs, select, socket
HIGH_WATER = 256 * 1024
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(('127.0.0.1', 0))
listener.listen(256)
listener.setblocking(False)
print(listener.getsockname()[1], flush=True)
queues = {}
decoders = {}

def drop(s):
    queues.pop(s, None)
    decoders.pop(s, None)
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
            decoders[c] = codecs.getincrementaldecoder('utf-8')()
            continue
        try:
            data = s.recv(65536)
        except OSError:
            drop(s)
            continue
        if not data:
            drop(s)              # the mistake: the queued answer is thrown away
            continue
        try:
            queues[s] += decoders[s].decode(data).upper().encode('utf-8')
        except UnicodeDecodeError:
            drop(s)
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

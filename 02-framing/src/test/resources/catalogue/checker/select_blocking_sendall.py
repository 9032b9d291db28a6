# One thread and a selector for reading, but each answer is written with a blocking sendall(): when
# one client stops reading its answers, sendall() waits for it, and no other client is served.
# fails: 7 | stalled:
import selectors, socket, struct

MAX = 1 << 20
sel = selectors.DefaultSelector()
bufs = {}

def close(c):
    sel.unregister(c)
    bufs.pop(c, None)
    c.close()

ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", 0))
ls.listen(128)
ls.setblocking(False)
sel.register(ls, selectors.EVENT_READ)
print(ls.getsockname()[1], flush=True)
while True:
    for key, _ in sel.select():
        sock = key.fileobj
        if sock is ls:
            c, _ = ls.accept()
            c.setblocking(False)
            bufs[c] = bytearray()
            sel.register(c, selectors.EVENT_READ)
            continue
        try:
            data = sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            continue
        except OSError:
            close(sock)
            continue
        if not data:
            close(sock)
            continue
        buf = bufs[sock]
        buf += data
        try:
            while len(buf) >= 4:
                (n,) = struct.unpack_from("!I", buf)
                if n > MAX:
                    raise OSError("too large")
                if len(buf) < 4 + n:
                    break
                frame = bytes(buf[:4 + n])
                del buf[:4 + n]
                sock.setblocking(True)
                sock.sendall(frame)  # the mistake: blocks the whole loop while this one client does not read
                sock.setblocking(False)
        except OSError:
            close(sock)

# A selector server that keeps each connection's buffers in a dict keyed by its descriptor number, and
# forgets them on a clean end but not on a reset: the next client gets the same number, and with it the
# reset client's half frame in front of its own bytes.
# fails: 7 | c2, the first client after the reset
import selectors, socket, struct

MAX = 1 << 20
sel = selectors.DefaultSelector()
inbuf, outbuf = {}, {}

def drop(sock, forget=True):
    fd = sock.fileno()
    sel.unregister(sock)
    sock.close()
    if forget:
        inbuf.pop(fd, None)
        outbuf.pop(fd, None)

ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", 0))
ls.listen(128)
ls.setblocking(False)
sel.register(ls, selectors.EVENT_READ)
print(ls.getsockname()[1], flush=True)
while True:
    for key, ev in sel.select():
        sock = key.fileobj
        if sock is ls:
            c, _ = ls.accept()
            c.setblocking(False)
            inbuf.setdefault(c.fileno(), bytearray())
            outbuf.setdefault(c.fileno(), bytearray())
            sel.register(c, selectors.EVENT_READ)
            continue
        fd = sock.fileno()
        try:
            if ev & selectors.EVENT_WRITE and outbuf[fd]:
                k = sock.send(outbuf[fd])
                del outbuf[fd][:k]
            if ev & selectors.EVENT_READ:
                data = sock.recv(65536)
                if not data:
                    drop(sock)
                    continue
                buf = inbuf[fd]
                buf += data
                while len(buf) >= 4:
                    (n,) = struct.unpack_from("!I", buf)
                    if n > MAX:
                        drop(sock)
                        break
                    if len(buf) < 4 + n:
                        break
                    outbuf[fd] += buf[:4 + n]
                    del buf[:4 + n]
                else:
                    pass
                if sock.fileno() < 0:
                    continue
            sel.modify(sock, selectors.EVENT_READ | (selectors.EVENT_WRITE if outbuf[fd] else 0))
        except BlockingIOError:
            pass
        except ConnectionResetError:
            drop(sock, forget=False)  # the mistake: the buffers stay, under a number the next client will get
        except OSError:
            drop(sock)

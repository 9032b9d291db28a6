# fails: 5 | stalled
# One thread and a selector: requests are read without blocking, with a deadline and a limit, so a
# client that never ends its request holds up nobody. But the answer is written with a blocking
# sendall() from inside the loop: a client that half-closes a large request and does not read the
# answer blocks the only thread, and every other client waits as long as that one likes.
import selectors, socket, time

LIMIT = 16 << 20
DEADLINE = 10
sel = selectors.DefaultSelector()
state = {}  # socket -> (request bytes, started)

def finish(sock, answer):
    sel.unregister(sock)
    state.pop(sock, None)
    try:
        sock.setblocking(True)
        sock.sendall(answer)  # the mistake: blocks the loop for as long as this client does not read
    except OSError:
        pass
    sock.close()

ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", 0))
ls.listen(128)
ls.setblocking(False)
sel.register(ls, selectors.EVENT_READ)
print(ls.getsockname()[1], flush=True)
while True:
    for key, _ in sel.select(timeout=1):
        sock = key.fileobj
        if sock is ls:
            c, _ = ls.accept()
            c.setblocking(False)
            state[c] = (bytearray(), time.monotonic())
            sel.register(c, selectors.EVENT_READ)
            continue
        try:
            data = sock.recv(65536)
        except BlockingIOError:
            continue
        except OSError:
            sel.unregister(sock)
            state.pop(sock, None)
            sock.close()
            continue
        request = state[sock][0]
        if data:
            request += data
            if len(request) > LIMIT:
                finish(sock, b"error: request over %d bytes\n" % LIMIT)
            continue
        finish(sock, bytes(request).decode("utf-8", "replace").upper().encode("utf-8"))
    now = time.monotonic()
    for sock, (request, started) in list(state.items()):
        if now - started > DEADLINE:
            finish(sock, b"error: no end of request within %d s; shut down your output\n" % DEADLINE)

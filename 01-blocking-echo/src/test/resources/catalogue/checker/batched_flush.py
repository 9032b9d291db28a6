# A threaded echo server that batches echo "to save segments": it sends only when it holds 4 KiB,
# or 700 ms after the oldest byte it holds, so every short echo comes 0.7 s late.
# fails: 4 | the server holds back echo
import socket, threading, time, select
BATCH, DELAY = 4096, 0.7
def serve(c):
    with c:
        pending, since = bytearray(), None
        try:
            while True:
                timeout = None if since is None else max(0.0, since + DELAY - time.monotonic())
                r, _, _ = select.select([c], [], [], timeout)
                if r:
                    data = c.recv(65536)
                    if not data:
                        c.sendall(pending)
                        return
                    if not pending:
                        since = time.monotonic()
                    pending += data
                if len(pending) >= BATCH or (since is not None and time.monotonic() >= since + DELAY):
                    c.sendall(pending)
                    pending, since = bytearray(), None
        except OSError:
            pass
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(('127.0.0.1', 0))
listener.listen(128)
print(listener.getsockname()[1], flush=True)
while True:
    c, _ = listener.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()

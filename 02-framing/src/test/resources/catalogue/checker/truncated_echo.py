# When the stream ends inside a frame, echoes the bytes that did come as a frame of their own, under a
# new, shorter prefix: it invents a frame the client never sent, where it should only close.
# fails: 5 | a frame that was never sent
import socket, struct, threading

MAX = 1 << 20

def serve(conn):
    with conn:
        try:
            while True:
                head = bytearray()
                while len(head) < 4:
                    chunk = conn.recv(4 - len(head))
                    if not chunk:
                        return
                    head += chunk
                (n,) = struct.unpack("!I", head)
                if n > MAX:
                    return
                body = bytearray()
                while len(body) < n:
                    chunk = conn.recv(min(65536, n - len(body)))
                    if not chunk:
                        break
                    body += chunk
                # the mistake: a body cut short by the end of the stream is sent back as a (shorter) frame
                conn.sendall(struct.pack("!I", len(body)) + body)
                if len(body) < n:
                    return
        except OSError:
            pass

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(128)
print(s.getsockname()[1], flush=True)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()

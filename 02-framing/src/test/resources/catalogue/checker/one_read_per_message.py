# One read, one frame: recv(1 MiB) is larger than any frame the client sends, so the programmer
# takes what one read returns for a whole frame, prefix and body, and answers each read with a
# frame of the body it holds. Over loopback a frame written at once arrives at once; across a
# network a 30 KB frame comes in 1,448-byte segments, and the answer is a short frame under a
# prefix that no longer matches. Stage 2's tiny pieces catch it too; the last stage catches it
# with segment-sized pieces over loopback, and across the link (--link) with one plain write
# per frame.
# fails: 10 | expected: frame 1 back
import socket, struct, sys, threading
args = dict(zip(sys.argv[1::2], sys.argv[2::2]))  # --host H --port P, as the link passes them

def serve(conn):
    with conn:
        try:
            while True:
                data = conn.recv(1 << 20)
                if not data:
                    return
                body = data[4:4 + struct.unpack(">I", data[:4].ljust(4, b"\0"))[0]]
                conn.sendall(struct.pack(">I", len(body)) + body)
        except OSError:
            pass

listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind((args.get("--host", "127.0.0.1"), int(args.get("--port", "0"))))
listener.listen(128)
print(listener.getsockname()[1], flush=True)
print("listening on %s:%d" % listener.getsockname()[:2], flush=True)  # what the link waits for
while True:
    conn, _ = listener.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()

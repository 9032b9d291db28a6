# One read, one request: recv(1 MiB) is as large as the largest request the lesson allows, so the
# programmer takes what one read returns for the whole request, answers it in upper case, then
# reads on to the end of stream so that the close is clean. Over loopback a request written at
# once arrives at once; across a network a 50 KB request comes in 1,448-byte segments, and the
# answer is the upper case of the first few. Stage 2's tiny pieces and stage 3's 256 KiB catch it
# too; the last stage catches it with segment-sized pieces over loopback, and across the link
# (--link) with one plain write per request.
# fails: 9 | lost: only
import socket, sys, threading
args = dict(zip(sys.argv[1::2], sys.argv[2::2]))  # --host H --port P, as the link passes them

def serve(conn):
    with conn:
        try:
            request = conn.recv(1 << 20)  # the mistake: one read taken for the whole request
            conn.sendall(request.upper())
            while conn.recv(65536):
                pass
            conn.shutdown(socket.SHUT_WR)
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

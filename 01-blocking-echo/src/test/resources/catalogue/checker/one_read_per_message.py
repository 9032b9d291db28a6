# One connection, one message, one read: recv(65536) is far larger than any message the client
# sends, so the programmer takes what it returns for the whole message, echoes it and closes.
# Over loopback a message written at once arrives at once, and stages 1 and 4 pass; across a
# network a 10 KB message comes in 1,448-byte segments, and the first read holds only the first
# few. Stage 2's tiny pieces and stage 3's 1 MiB catch it too; the last stage catches it with
# segment-sized pieces over loopback, and across the link (--link) with one plain write per message.
# fails: 7 | lost:
import socket, sys
args = dict(zip(sys.argv[1::2], sys.argv[2::2]))  # --host H --port P, as the link passes them
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind((args.get('--host', '127.0.0.1'), int(args.get('--port', '0'))))
listener.listen(16)
print(listener.getsockname()[1], flush=True)
print('listening on %s:%d' % listener.getsockname()[:2], flush=True)  # what the link waits for
while True:
    conn, _ = listener.accept()
    with conn:
        try:
            conn.sendall(conn.recv(65536))
        except OSError:
            pass

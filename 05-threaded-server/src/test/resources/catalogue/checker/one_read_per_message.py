# One read, one name: recv(1024) is four times the longest name, so the programmer takes what one
# read returns for the whole name (without its newline). Over loopback a name written at once
# arrives at once, and stage 1 passes; a client that writes its name in two parts has them arrive
# a round trip apart on a network (TCP holds the small second write until the first is
# acknowledged), and the server registers the first part. Stage 3's tiny pieces catch it too; the
# last stage catches it with pacing over loopback, and across the link (--link) with two plain
# writes per name.
# fails: 8 | a JSON object with the key of each client's whole name
import json, socket, sys, threading
args = dict(zip(sys.argv[1::2], sys.argv[2::2]))  # --host H --port P, as the link passes them
clients, lock = {}, threading.Lock()

def serve(conn, peer):
    with conn:
        try:
            name = conn.recv(1024).rstrip(b"\n").decode()  # the mistake: one read taken for the whole name
            with lock:
                clients[name] = {"name": name, "address": peer[0], "port": peer[1]}
                answer = json.dumps(clients).encode()
            conn.sendall(answer)
            conn.shutdown(socket.SHUT_WR)
            while conn.recv(4096):
                pass
        except (OSError, UnicodeDecodeError):
            pass

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((args.get("--host", "127.0.0.1"), int(args.get("--port", "0"))))
s.listen(128)
print(s.getsockname()[1], flush=True)
print("listening on %s:%d" % s.getsockname()[:2], flush=True)  # what the link waits for
while True:
    conn, peer = s.accept()
    threading.Thread(target=serve, args=(conn, peer), daemon=True).start()

# passes
# A correct client-list server: a thread per client, the name read up to its newline or the end of
# stream (at most 256 bytes, else a JSON error), one CR before the newline dropped, an empty name or
# one that is not UTF-8 refused with a JSON error, the entry from the peer's address (getpeername),
# the same name replacing its entry, the list copied under the lock and sent after it, then close.
import json, socket, threading
clients, lock = {}, threading.Lock()
def serve(conn, peer):
    with conn:
        name = b""
        while b"\n" not in name and len(name) <= 257:  # 256 bytes and a CR
            chunk = conn.recv(1024)
            if not chunk:
                break
            name += chunk
        name = name.split(b"\n")[0]
        if name.endswith(b"\r"):
            name = name[:-1]  # a line ended by CR LF: the CR is not part of the name
        if len(name) > 256:
            conn.sendall(json.dumps({"error": "name longer than 256 bytes"}).encode())
            return
        try:
            name = name.decode()
        except UnicodeDecodeError:
            conn.sendall(json.dumps({"error": "name is not valid UTF-8"}).encode())
            return
        if not name:
            conn.sendall(json.dumps({"error": "empty name"}).encode())
            return
        with lock:
            clients[name] = {"name": name, "address": peer[0], "port": peer[1]}
            answer = json.dumps(clients).encode()
        conn.sendall(answer)
        conn.shutdown(socket.SHUT_WR)
        while conn.recv(4096):
            pass
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(128)
print(s.getsockname()[1], flush=True)
while True:
    conn, peer = s.accept()
    threading.Thread(target=serve, args=(conn, peer), daemon=True).start()

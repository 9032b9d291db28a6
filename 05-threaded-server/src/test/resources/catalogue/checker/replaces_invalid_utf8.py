# fails: 7 | a refusal for a name that is not UTF-8
# Decodes with errors="replace" so that no name ever raises: bytes that are not UTF-8 are listed
# as U+FFFD instead of refused, a name the client never sent. Otherwise the catalogue's correct server (correct_threaded.py).
import json, socket, threading
clients, lock = {}, threading.Lock()
def serve(conn, peer):
    with conn:
        name = b""
        while b"\n" not in name and len(name) <= 256:
            chunk = conn.recv(1024)
            if not chunk:
                break
            name += chunk
        name = name.split(b"\n")[0]
        if len(name) > 256:
            conn.sendall(json.dumps({"error": "name longer than 256 bytes"}).encode())
            return
        if name.endswith(b"\r"):
            name = name[:-1]  # a line ended by CR LF: the CR is not part of the name
        name = name.decode(errors="replace")
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

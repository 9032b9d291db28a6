# fails: 3 | the spaces at either end were stripped
# Drops the line end with strip() rather than removing only a CR before the newline: strip() also
# takes every space and tab off both ends, so " bob " is registered and listed as "bob" (and a name
# of spaces only is refused as empty). Otherwise the catalogue's correct server (correct_threaded.py).
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
        name = name.strip()   # the mistake: strips spaces and tabs, not only the CR
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

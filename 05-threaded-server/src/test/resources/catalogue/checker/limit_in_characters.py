# fails: 7 | a refusal (a JSON error, or a close)
# The limit is counted in characters after decoding, not in bytes: a name of 256 characters of up to 4 bytes each (up to 1,024 bytes) is accepted and listed.
import json, socket, threading
clients, lock = {}, threading.Lock()
def serve(conn, peer):
    with conn:
        raw = b""
        while b"\n" not in raw and len(raw) <= 4 * 256:
            chunk = conn.recv(1024)
            if not chunk:
                break
            raw += chunk
        name = raw.split(b"\n")[0].decode()
        if len(name) > 256:
            conn.sendall(json.dumps({"error": "name longer than 256 characters"}).encode())
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

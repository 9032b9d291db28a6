# fails: 7 | a refusal (a JSON error, or a close)
# Off by one: the loop stops reading at 257 bytes and refuses only len > 257, so a 257-byte name is listed.
import json, socket, threading
clients, lock = {}, threading.Lock()
def serve(conn, peer):
    with conn:
        name = b""
        while b"\n" not in name and len(name) <= 257:
            chunk = conn.recv(1024)
            if not chunk:
                break
            name += chunk
        name = name.split(b"\n")[0]
        if len(name) > 257:
            conn.sendall(json.dumps({"error": "name longer than 256 bytes"}).encode())
            return
        name = name.decode()
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

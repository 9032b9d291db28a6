# fails: 7 | the server waits in that write with the list locked
# Sends the answer while still holding the list's lock: a client that does not read an answer
# larger than the kernel's buffers keeps sendall() waiting, and with it the lock, and every other
# client's registration. Otherwise the catalogue's correct server (correct_threaded.py).
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
            conn.sendall(json.dumps(clients).encode())  # the mistake: the lock is held while the client reads
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

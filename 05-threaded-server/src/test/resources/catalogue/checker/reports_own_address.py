# fails: 4 | the client's own address
# The entry is made from conn.getsockname(), the server's end of the connection: its address is
# right on loopback by luck, its port is the server's own, for every client.
import json, socket, threading
clients, lock = {}, threading.Lock()
def serve(conn, peer):
    with conn:
        name = b""
        while b"\n" not in name:
            chunk = conn.recv(1024)
            if not chunk:
                break
            name += chunk
        name = name.split(b"\n")[0].decode()
        with lock:
            clients[name] = {"name": name, "address": conn.getsockname()[0], "port": conn.getsockname()[1]}
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

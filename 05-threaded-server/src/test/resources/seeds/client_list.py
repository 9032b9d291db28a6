# client_list.py from "Sockets Module in Python" (seed 004), ported to Python 3. Its bugs are
# kept on purpose: the name is one recv(1024), however it was split (BUG-38), and keeps whatever
# ended it; the client takes one recv(1024) as the whole JSON answer (BUG-40); the handlers share
# one dict with no lock (BUG-41); threads are never bounded and a silent client holds one for ever.
#
# Changes, and why:
#   - Python 2 -> 3: print statements became print() calls; recv() returns bytes, which json
#     cannot use as keys, so the server decodes the name (.decode()) and encodes the answer
#     (.encode()); the client encodes the name it sends. The page lost the underscores of
#     "if __name__ == '__main__':", restored here.
#   - For testing only: the port comes from -p (the seed hard-codes 5000), and the server prints
#     the chosen port after listen(), so a test can start it on a free port (-p 0).
import argparse
import json
import socket
import threading


def handle_client(client_list, conn, address):
    name = conn.recv(1024).decode()                          # Python 3: bytes -> str
    entry = dict(zip(['name', 'address', 'port'], [name, address[0], address[1]]))
    client_list[name] = entry
    conn.sendall(json.dumps(client_list).encode())           # Python 3: str -> bytes
    conn.shutdown(socket.SHUT_RDWR)
    conn.close()


def server(client_list, port):
    print("Starting server...")
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('127.0.0.1', port))
    s.listen(5)
    print(s.getsockname()[1], flush=True)                    # added for testing
    while True:
        (conn, address) = s.accept()
        t = threading.Thread(target=handle_client, args=(client_list, conn, address))
        t.daemon = True
        t.start()


def client(name, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.connect(('127.0.0.1', port))
    s.send(name.encode())                                    # Python 3: str -> bytes
    data = s.recv(1024)
    result = json.loads(data)
    print(json.dumps(result, indent=4))                      # Python 3: print()


def parse_arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument('-c', dest='client', action='store_true')
    parser.add_argument('-n', dest='name', type=str, default='name')
    parser.add_argument('-p', dest='port', type=int, default=5000)   # added for testing
    result = parser.parse_args()
    return result


def main():
    client_list = dict()
    args = parse_arguments()
    if args.client:
        client(args.name, args.port)
    else:
        try:
            server(client_list, args.port)
        except KeyboardInterrupt:
            print("Keyboard interrupt")


if __name__ == '__main__':
    main()

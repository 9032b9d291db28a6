# A correct threaded echo server (socketserver) that fails only because of its listen backlog:
# socketserver listens with request_queue_size = 5, so 200 clients at once overflow the queue.
# fails: 3 | backlog:
import socketserver

class Echo(socketserver.BaseRequestHandler):
    def handle(self):
        try:
            while True:
                data = self.request.recv(65536)
                if not data:
                    return
                self.request.sendall(data)
        except OSError:
            pass

class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

with Server(('127.0.0.1', 0), Echo) as server:
    print(server.server_address[1], flush=True)
    server.serve_forever()

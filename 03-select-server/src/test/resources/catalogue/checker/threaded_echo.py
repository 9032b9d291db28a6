# A correct third-party echo server: socketserver, one thread per client, a listen backlog of 128.
# passes
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
    request_queue_size = 128
    daemon_threads = True
    allow_reuse_address = True

with Server(('127.0.0.1', 0), Echo) as server:
    print(server.server_address[1], flush=True)
    server.serve_forever()

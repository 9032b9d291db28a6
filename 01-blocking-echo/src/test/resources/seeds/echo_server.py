# The echo server from "How to Work with TCP Sockets in Python" (seed 001), ported to Python 3.
# Its bugs are kept on purpose: it serves exactly one client, then exits; 'localhost' is its only
# address. The course's checker runs against it: 01-blocking-echo/run Checker 127.0.0.1:PORT
#
# Changes, and why:
#   - Python 2 -> 3: none were needed; recv() and sendall() already deal in bytes here.
#   - For testing only: the port comes from the command line (the seed hard-codes 50000), and
#     after listen() the chosen port is printed, so a test can start it on a free port (0).
import socket
import sys

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 50000   # seed: 50000

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(('localhost', PORT))
s.listen(1)
print(s.getsockname()[1], flush=True)                     # added for testing
conn, addr = s.accept()
while 1:
    data = conn.recv(1024)
    if not data:
        break
    conn.sendall(data)
conn.close()

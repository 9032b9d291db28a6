# The echo client from "How to Work with TCP Sockets in Python" (seed 001), ported to Python 3.
# Its bug is kept: one recv(1024) is taken as the whole reply (E-07).
#
# Changes, and why:
#   - Python 2 -> 3: sendall() needs bytes, so the literal is b'Hello, world'; print is a function.
#   - For testing only: the port comes from the command line (the seed hard-codes 50000).
import socket
import sys

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 50000   # seed: 50000

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(('localhost', PORT))
s.sendall(b'Hello, world')                                # Python 3: bytes
data = s.recv(1024)
s.close()
print('Received', repr(data))                             # Python 3: print()

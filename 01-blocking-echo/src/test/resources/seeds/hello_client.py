# "Sending data via TCP" from "Sockets Module in Python" (seed 004), in Python 3 already.
# It sends b'Hello' with send() (which may send less, E-07) and closes.
#
# Changes, and why:
#   - Python 2 -> 3: none; the seed is Python 3.
#   - For testing only: the port comes from the command line (the seed hard-codes 6667).
from socket import socket, AF_INET, SOCK_STREAM
import sys

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 6667    # seed: 6667

s = socket(AF_INET, SOCK_STREAM)
s.connect(('localhost', PORT))  # The address of the TCP server listening
s.send(b'Hello')
s.close()

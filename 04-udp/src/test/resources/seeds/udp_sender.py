# "Sending data via UDP" from "Sockets Module in Python" (seed 004), in Python 3 already: one
# datagram, no answer expected, no way to know it arrived (U-02).
#
# Changes, and why:
#   - Python 2 -> 3: none; the seed is Python 3.
#   - For testing only: the port comes from the command line (the seed hard-codes 6667).
from socket import socket, AF_INET, SOCK_DGRAM
import sys

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 6667    # seed: 6667

s = socket(AF_INET, SOCK_DGRAM)
msg = ("Hello you there!").encode('utf-8') # socket.sendto() takes bytes as input, hence we must encode the string first.
s.sendto(msg, ('localhost', PORT))

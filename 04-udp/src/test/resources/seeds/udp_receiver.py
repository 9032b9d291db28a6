# "A UDP server using solely the socket module" from "Sockets Module in Python" (seed 004), in
# Python 3 already. It prints what it receives and never answers; recvfrom(8192) cuts a larger
# datagram short without a word (U-06).
#
# Changes, and why:
#   - Python 2 -> 3: none; the seed is Python 3. Its page lost the line break before print(),
#     which is restored.
#   - For testing only: the port comes from the command line (the seed hard-codes 6667), and the
#     chosen port is printed after bind(), so a test can start it on a free port (0).
from socket import socket, AF_INET, SOCK_DGRAM
import sys

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 6667    # seed: 6667

sock = socket(AF_INET, SOCK_DGRAM)
sock.bind(('localhost', PORT))
print(sock.getsockname()[1], flush=True)                  # added for testing
while True:
    msg, addr = sock.recvfrom(8192) # This is the amount of bytes to read at maximum
    print("Got message from %s: %s" % (addr, msg))

"""A plain Python 3 echo client: what a learner would write from the seed documents, done right.

usage: python3 echo_client.py PORT SIZE
Sends SIZE seeded random bytes in one sendall, half-closes, reads until the server closes,
and prints "ok SIZE" if the echo is identical.
"""
import random
import threading
import socket
import sys

port, size = int(sys.argv[1]), int(sys.argv[2])
payload = random.Random(7).randbytes(size)
with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
    received = bytearray()
    sock.setblocking(True)
    sock.settimeout(20)
    # Send and receive at the same time: an echo this large does not fit in the socket buffers.

    def send():
        sock.sendall(payload)
        sock.shutdown(socket.SHUT_WR)

    sender = threading.Thread(target=send)
    sender.start()
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        received += chunk
    sender.join()
if bytes(received) != payload:
    print(f"mismatch: sent {size} bytes, got {len(received)}")
    sys.exit(1)
print(f"ok {size}")

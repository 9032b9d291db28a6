# The HOWTO's MySocket class (seeds 002 and 003, the Python Socket Programming HOWTO), ported to
# Python 3: fixed-length messages of MSGLEN bytes, sent and received in loops. Its limits are kept:
# MSGLEN is not defined by the HOWTO (set below), every message must be exactly that long, and the
# receive loop asks for up to 2048 bytes each time.
#
# Changes, and why:
#   - Python 2 -> 3: messages are bytes; the receive loop joins bytes pieces with b''.join (the
#     seed 003 variant concatenates str with ''); nothing else.
#   - MSGLEN is given a value here, because the HOWTO leaves it out.
import socket

MSGLEN = 16                                                   # the HOWTO leaves it undefined


class MySocket:
    """demonstration class only
      - coded for clarity, not efficiency
    """

    def __init__(self, sock=None):
        if sock is None:
            self.sock = socket.socket(
                            socket.AF_INET, socket.SOCK_STREAM)
        else:
            self.sock = sock

    def connect(self, host, port):
        self.sock.connect((host, port))

    def mysend(self, msg):
        totalsent = 0
        while totalsent < MSGLEN:
            sent = self.sock.send(msg[totalsent:])
            if sent == 0:
                raise RuntimeError("socket connection broken")
            totalsent = totalsent + sent

    def myreceive(self):
        chunks = []
        bytes_recd = 0
        while bytes_recd < MSGLEN:
            chunk = self.sock.recv(min(MSGLEN - bytes_recd, 2048))
            if chunk == b'':                                   # Python 3: bytes
                raise RuntimeError("socket connection broken")
            chunks.append(chunk)
            bytes_recd = bytes_recd + len(chunk)
        return b''.join(chunks)                                # Python 3: bytes

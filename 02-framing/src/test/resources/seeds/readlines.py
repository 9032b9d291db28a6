# The readlines() generator from "Using TCP sockets in Python" (seed 000), ported to Python 3.
# Its bugs are kept: a line left without its newline at end of stream is dropped; split() uses
# '\n' whatever delim says; the buffer grows without bound while no newline comes.
#
# Changes, and why:
#   - Python 2 -> 3: recv() returns bytes, so the buffer and the delimiter are bytes (b'', b'\n').
def readlines(sock, recv_buffer=4096, delim=b'\n'):          # Python 3: bytes delimiter
    buffer = b''                                              # Python 3: bytes buffer
    data = True
    while data:
        data = sock.recv(recv_buffer)
        buffer += data

        while buffer.find(delim) != -1:
            line, buffer = buffer.split(b'\n', 1)             # Python 3: bytes
            yield line

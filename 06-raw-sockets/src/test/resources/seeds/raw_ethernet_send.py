# "Sending data via a raw socket" from "Sockets Module in Python" (seed 004), ported to Python 3.
# NEVER RUN BY ANY TEST: it sends a frame on a real interface (eth1) and needs root. It is kept
# for reading, beside the lesson's RawSend, which sends only on loopback. Its bugs are kept: the
# "checksum" is four constant bytes, not a frame check sequence (BUG-33); 0x0801 is not a real
# EtherType; the addresses are made up.
#
# Changes, and why:
#   - Python 2 -> 3: the frame parts are bytes literals (b"..."), since send() takes bytes; the
#     page's "#!/usr/bin/env python" and comment lines had lost their '#', restored here.
#!/usr/bin/env python

from socket import socket, AF_PACKET, SOCK_RAW
s = socket(AF_PACKET, SOCK_RAW)
s.bind(("eth1", 0))
# We're putting together an ethernet frame here,
# but you could have anything you want instead
# Have a look at the 'struct' module for more
# flexible packing/unpacking of binary data
# and 'binascii' for 32 bit CRC
src_addr = b"\x01\x02\x03\x04\x05\x06"
dst_addr = b"\x01\x02\x03\x04\x05\x06"
payload = (b"[" * 30) + b"PAYLOAD" + (b"]" * 30)
checksum = b"\x1a\x2b\x3c\x4d"
ethertype = b"\x08\x01"
s.send(dst_addr + src_addr + ethertype + payload + checksum)

# The socketserver.UDPServer version from "Sockets Module in Python" (seed 004), in Python 3
# already. It answers every datagram with "Got your message!", numbered or not; UDPServer reads
# at most 8192 bytes of a datagram (max_packet_size) and handles the rest cut short (U-06).
#
# Changes, and why:
#   - Python 2 -> 3: none; the seed is Python 3. Its first print passes a tuple to "%s", which
#     raises TypeError for every datagram ("not all arguments converted"); socketserver catches
#     it, prints a traceback and never sends the reply. Kept: that is the seed's behaviour.
#   - For testing only: the port comes from the command line (the seed hard-codes 6667), and the
#     chosen port is printed, so a test can start it on a free port (0).
from socketserver import BaseRequestHandler, UDPServer
import sys

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 6667    # seed: 6667

class MyHandler(BaseRequestHandler):
    def handle(self):
        print("Got connection from: %s" % self.client_address)
        msg, sock = self.request
        print("It said: %s" % msg)
        sock.sendto("Got your message!".encode(), self.client_address) # Send reply
serv = UDPServer(('localhost', PORT), MyHandler)
print(serv.server_address[1], flush=True)                 # added for testing
serv.serve_forever()

# The select() echo server from "How to Work with TCP Sockets in Python" (seed 001), ported to
# Python 3. Its bugs are kept on purpose: send()'s count is ignored, so a partial send loses the
# rest (S-14); a client's queue grows without bound when it does not read; on end of stream the
# socket is closed with its echo still queued (BUG-19); a socket closed while also in the writable
# list raises KeyError and stops the whole server; a full send buffer raises BlockingIOError, which
# stops it too.
#
# Changes, and why:
#   - Python 2 -> 3: the module Queue is now queue (Queue.Queue -> queue.Queue, Queue.Empty ->
#     queue.Empty). Nothing else.
#   - For testing only: the port comes from the command line (the seed hard-codes 50000), and the
#     chosen port is printed after listen(), so a test can start it on a free port (0).
import select, socket, sys, queue

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 50000   # seed: 50000

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setblocking(0)
server.bind(('localhost', PORT))
server.listen(5)
print(server.getsockname()[1], flush=True)                # added for testing
inputs = [server]
outputs = []
message_queues = {}
while inputs:
    readable, writable, exceptional = select.select(
        inputs, outputs, inputs)
    for s in readable:
        if s is server:
            connection, client_address = s.accept()
            connection.setblocking(0)
            inputs.append(connection)
            message_queues[connection] = queue.Queue()     # Python 3: queue
        else:
            data = s.recv(1024)
            if data:
                message_queues[s].put(data)
                if s not in outputs:
                    outputs.append(s)
            else:
                if s in outputs:
                    outputs.remove(s)
                inputs.remove(s)
                s.close()
                del message_queues[s]
    for s in writable:
        try:
            next_msg = message_queues[s].get_nowait()
        except queue.Empty:                                 # Python 3: queue
            outputs.remove(s)
        else:
            s.send(next_msg)
    for s in exceptional:
        inputs.remove(s)
        if s in outputs:
            outputs.remove(s)
        s.close()
        del message_queues[s]

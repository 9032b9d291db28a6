# A select() server for request/answer traffic: each readable connection gets one recv(65536),
# larger than any message a client sends, taken for the whole request; the answer (the echo) is
# queued, and once it has gone out the connection is closed. Across a network a 30 KB message
# takes several readiness events, and the connection is closed after the first. The earlier
# stages catch it too (they send more than one message per connection); the last stage catches
# it with segment-sized pieces over loopback, and across the link (--link) with one plain write
# per message.
# fails: 7 | lost:
import select, socket, sys
args = dict(zip(sys.argv[1::2], sys.argv[2::2]))  # --host H --port P, as the link passes them
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind((args.get('--host', '127.0.0.1'), int(args.get('--port', '0'))))
listener.listen(64)
listener.setblocking(False)
print(listener.getsockname()[1], flush=True)
print('listening on %s:%d' % listener.getsockname()[:2], flush=True)  # what the link waits for
answers = {}  # connection -> answer still to send (None: request not read yet)
while True:
    readers = [s for s, a in answers.items() if a is None]
    writers = [s for s, a in answers.items() if a]
    readable, writable, _ = select.select([listener] + readers, writers, [])
    for s in readable:
        if s is listener:
            c, _ = listener.accept()
            c.setblocking(False)
            answers[c] = None
            continue
        try:
            answers[s] = bytearray(s.recv(65536))  # the mistake: one read taken for the whole message
        except OSError:
            answers[s] = bytearray()
        if not answers[s]:
            del answers[s]
            s.close()
    for s in writable:
        try:
            n = s.send(answers[s])
            del answers[s][:n]
        except OSError:
            answers[s] = bytearray()
        if not answers[s]:
            del answers[s]
            s.close()

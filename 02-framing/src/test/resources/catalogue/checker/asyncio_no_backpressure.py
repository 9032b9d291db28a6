# An asyncio protocol that frames correctly and answers with transport.write(), but never stops
# reading while its answers wait (no pause_writing/resume_writing): a client that sends frames and
# reads none of the answers makes it keep all of them in memory.
# fails: 7 | it reads on whether or not its answers can leave
import asyncio, struct

MAX = 1 << 20

class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.t = transport
        self.buf = bytearray()

    def data_received(self, data):
        self.buf += data
        while len(self.buf) >= 4:
            (n,) = struct.unpack_from("!I", self.buf)
            if n > MAX:
                self.t.close()
                return
            if len(self.buf) < 4 + n:
                return
            frame = bytes(self.buf[:4 + n])
            del self.buf[:4 + n]
            self.t.write(frame)  # the mistake: queued however much is already waiting; reading never paused

async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Echo, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()

asyncio.run(main())

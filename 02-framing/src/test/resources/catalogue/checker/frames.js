// A correct Node length-prefixed echo server: keeps the leftover between 'data' events, reads the
// prefix as unsigned, refuses lengths over the limit, handles 'error', and stops reading while its
// answers wait to be written.
// passes
const net = require('net');
const LIMIT = 1 << 20;
const server = net.createServer((socket) => {
  let pending = Buffer.alloc(0);
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const n = pending.readUInt32BE(0);
      if (n > LIMIT) { socket.destroy(); return; }
      if (pending.length < 4 + n) break;
      const room = socket.write(pending.subarray(0, 4 + n));
      pending = pending.subarray(4 + n);
      if (!room) {
        // back-pressure: stop reading while the answers wait, so a client that does not read cannot fill memory
        socket.pause();
        socket.once('drain', () => socket.resume());
      }
    }
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));

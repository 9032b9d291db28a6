// A Node server that frames correctly but has no 'error' handler on its sockets: a client that resets
// its connection raises an uncaught ECONNRESET, and the whole process exits, for every client.
// fails: 7 | gone:
const net = require('net');
const MAX = 1 << 20;
const server = net.createServer(socket => {
  let buf = Buffer.alloc(0);
  socket.on('data', chunk => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 4) {
      const n = buf.readUInt32BE(0);
      if (n > MAX) { socket.destroy(); return; }
      if (buf.length < 4 + n) break;
      socket.write(buf.subarray(0, 4 + n));
      buf = buf.subarray(4 + n);
    }
  });
  // the mistake: no socket.on('error', ...): an ECONNRESET is an uncaught exception
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));

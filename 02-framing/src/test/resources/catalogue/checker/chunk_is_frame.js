// Treats every 'data' event as one whole frame: it reads the length from the chunk's first four
// bytes and echoes that chunk. Frames in pieces, or two in one chunk, come back wrong.
// fails: 2 | each in a loop (F-10)
const net = require('net');
const server = net.createServer((socket) => {
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk) => {
    if (chunk.length < 4) return;
    const n = chunk.readUInt32BE(0);
    if (n > (1 << 20)) { socket.destroy(); return; }
    socket.write(chunk.subarray(0, 4 + n));
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));

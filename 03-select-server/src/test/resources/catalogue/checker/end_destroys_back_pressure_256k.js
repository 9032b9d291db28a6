// A Node echo server with back-pressure (it pauses a client whose unsent echo reaches
// 256 KiB, and resumes it on 'drain') that destroys the socket on 'end', the client's
// half-close: the echo still queued in the socket's write buffer is thrown away (BUG-19 in Node).
// fails: 5 | lost:
const net = require('net');
const HIGH_WATER = 256 * 1024;
const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  socket.on('data', (chunk) => {
    socket.write(chunk);
    if (socket.writableLength >= HIGH_WATER) {
      socket.pause();
    }
  });
  socket.on('drain', () => socket.resume());
  socket.on('end', () => socket.destroy()); // the mistake: socket.end() would send what is queued first
  socket.on('error', () => socket.destroy());
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));

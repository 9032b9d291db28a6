// A Node echo server with no 'error' handler on the socket: the first reset (ECONNRESET) is an
// uncaught exception, and the whole process exits.
// fails: 6 | gone:
const net = require('net');
const server = net.createServer((socket) => socket.pipe(socket));
server.listen(0, '127.0.0.1', () => console.log(server.address().port));

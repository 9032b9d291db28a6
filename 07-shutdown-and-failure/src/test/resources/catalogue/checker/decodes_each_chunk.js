// fails: 7 | expected: the request in upper case
// Node's usual 'data' handler: each chunk turned into a string on arrival (Buffer.toString()), so a
// character split between two chunks becomes replacement characters.
const net = require('net');
const server = net.createServer(socket => {
  let text = '';
  socket.on('data', chunk => { text += chunk.toString(); });
  socket.on('end', () => socket.end(text.toUpperCase()));
  socket.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));

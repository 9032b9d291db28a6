// fails: 7 | counts the
// Node, decoding as it reads with a StringDecoder (a character split between chunks is kept: right),
// answering at 'end'; but the 16 MiB limit is checked on the decoded string's length, which counts UTF-16
// units, not bytes: 17 MiB of 3-byte characters is 5.9 million units, so it is held and answered in full.
const net = require('net');
const { StringDecoder } = require('string_decoder');
const LIMIT = 16 << 20;
const server = net.createServer(socket => {
  const decoder = new StringDecoder('utf8');
  let text = '';
  let refused = false;
  socket.setTimeout(10000, () => socket.destroy());
  socket.on('data', chunk => {
    if (refused) return;
    text += decoder.write(chunk);
    if (text.length > LIMIT) { // the mistake: UTF-16 units, not the bytes received
      refused = true;
      text = '';
      socket.end(`error: request over ${LIMIT} bytes\n`);
    }
  });
  socket.on('end', () => {
    if (refused) return;
    text += decoder.end();
    socket.end(text.toUpperCase());
  });
  socket.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));

// fails: 3 | not processed twice
// Node's dgram echo, without de-duplication: every copy of a request is processed again.
const dgram = require('dgram');
const s = dgram.createSocket('udp4');
s.on('message', (msg, rinfo) => s.send(msg, rinfo.port, rinfo.address));
s.bind(0, '127.0.0.1', () => console.log(s.address().port));

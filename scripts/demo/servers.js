// The demo's servers: plain HTTP, HTTPS (TLS 1.2 and 1.3) with a throwaway certificate,
// and one that reads the request then aborts with a RST. Usage: node servers.js BIND_IP DIR
const http = require('node:http');
const https = require('node:https');
const net = require('node:net');
const fs = require('node:fs');
const path = require('node:path');

const [bind, dir] = process.argv.slice(2);
const ok = (req, res) => {
  res.setHeader('connection', 'close');
  res.end('ok\n');
};
let listening = 0;
const ready = () => {
  if (++listening === 3) console.log('ready');
};
http.createServer(ok).listen(8080, bind, ready);
https.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) }, ok).listen(8443, bind, ready);
net.createServer((s) => s.once('data', () => s.resetAndDestroy())).listen(8081, bind, ready);

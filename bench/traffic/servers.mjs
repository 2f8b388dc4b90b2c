// Servers for the benchmark capture (run inside the server namespace by
// record-large-capture.sh). Real kernel TCP, real TLS (Node's OpenSSL).
//
//   node servers.mjs <bind-address> <tls-key.pem> <tls-cert.pem>
//
// HTTP  :8080   GET /            small page (one or two segments)
//               GET /api?n=N     N bytes of JSON-ish text (a few segments)
//               GET /bulk?n=N    N bytes streamed (bulk transfer)
//               GET /abort       the server answers the request with a RST
// HTTPS :8443   the same routes over TLS 1.2/1.3
// TCP   :9001   echo until the client half-closes, then close (FIN both ways)
// (port 8081 has no listener: connection refused, RST)
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

const [host, keyFile, certFile] = process.argv.slice(2);
if (!host || !keyFile || !certFile) {
  console.error('usage: node servers.mjs <bind-address> <key.pem> <cert.pem>');
  process.exit(2);
}

const page = Buffer.from(`<!doctype html><title>shakewatch bench</title><p>${'hello '.repeat(80)}</p>\n`);
const filler = Buffer.alloc(1 << 20, 'abcdefghijklmnopqrstuvwxyz0123456789\n');

function handler(req, res) {
  const url = new URL(req.url, 'http://x');
  const n = Math.min(Number(url.searchParams.get('n') ?? 0) || 0, 256 << 20);
  switch (url.pathname) {
    case '/api':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': n });
      res.end(filler.subarray(0, Math.min(n, filler.length)));
      return;
    case '/bulk': {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': n });
      let left = n;
      const pump = () => {
        while (left > 0) {
          const take = Math.min(left, filler.length);
          left -= take;
          if (!res.write(filler.subarray(0, take))) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
      return;
    }
    case '/abort':
      req.socket.resetAndDestroy();
      return;
    default:
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': page.length });
      res.end(page);
  }
}

const swallow = (s) => s.on('error', () => {});
const httpServer = http.createServer({ keepAliveTimeout: 2000 }, handler);
const httpsServer = https.createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile), keepAliveTimeout: 2000 }, handler);
for (const s of [httpServer, httpsServer]) {
  s.on('connection', swallow);
  s.on('clientError', (_e, socket) => socket.destroy());
  s.on('tlsClientError', () => {});
}
const echo = net.createServer({ allowHalfOpen: true }, (socket) => {
  swallow(socket);
  socket.on('data', (d) => socket.write(d));
  socket.on('end', () => socket.end());
});

const backlog = 4096;
httpServer.listen(8080, host, backlog);
httpsServer.listen(8443, host, backlog);
echo.listen(9001, host, backlog);
let ready = 0;
for (const s of [httpServer, httpsServer, echo]) {
  s.on('listening', () => {
    if (++ready === 3) console.log('servers ready');
  });
}
process.on('SIGTERM', () => process.exit(0));

import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy the test controls, between an agent and a hub: `blackhole()` stops
 * forwarding in both directions while keeping the sockets open (a network that silently
 * drops packets), `restore()` forwards again (new connections work; held ones stay dead).
 */
export interface TcpProxy {
  port: number;
  blackhole(): void;
  restore(): void;
  close(): Promise<void>;
}

export function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  let dropping = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ port: targetPort, host: targetHost });
    const dead = { v: dropping };
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    const forward = (from: Socket, to: Socket) => from.on('data', (d) => {
      if (dropping) dead.v = true; // once a connection lost data it stays dead, as TCP would
      if (!dead.v) to.write(d);
    });
    forward(client, upstream);
    forward(upstream, client);
    client.on('close', () => { if (!dead.v) upstream.destroy(); });
    upstream.on('close', () => { if (!dead.v) client.destroy(); });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    port: (server.address() as { port: number }).port,
    blackhole: () => { dropping = true; },
    restore: () => { dropping = false; },
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  })));
}

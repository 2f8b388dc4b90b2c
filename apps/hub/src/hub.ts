import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import pino from 'pino';
import { AppModule } from './app.module';
import { TokensStore } from './auth/tokens-store';
import { UpgradeAuth } from './auth/upgrade-auth';
import { NestPinoLogger } from './cli/nest-pino-logger';
import { resolveHubId, type HubConfig } from './config/hub-config';
import { HubHttpAdapter } from './http/hub-http-adapter';
import { HubIdentity } from './http/hub-identity';
import { IngestSessions } from './ingest/ingest-sessions';
import { IngestWsAdapter } from './ingest/ingest-ws-adapter';

/** How long shutdown waits for agents to acknowledge the close before cutting them off. */
const SHUTDOWN_CLOSE_WAIT_MS = 1500;
/** Past this, the process exits whatever is still open. */
const SHUTDOWN_DEADLINE_MS = 5000;

/** Start the hub with validated settings: listen, and stop cleanly on SIGTERM/SIGINT. */
export async function runHub(config: HubConfig): Promise<void> {
  const log = pino({ level: config.logLevel, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true }));

  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, log), new HubHttpAdapter(config.tls), {
    logger: new NestPinoLogger(log),
    bodyParser: false,
    abortOnError: false,
  });
  app.useWebSocketAdapter(new IngestWsAdapter(app, app.get(UpgradeAuth), config.limits.maxMessageBytes, log));
  const server = app.getHttpServer();
  server.on('tlsClientError', (err: Error & { code?: string }, socket: { remoteAddress?: string }) => log.debug({ err: err.message, code: err.code, remote: socket.remoteAddress }, 'tls handshake failed'));

  await app.listen(config.port, config.host);
  const port = (server.address() as AddressInfo).port;
  const identity = app.get(HubIdentity);
  identity.id = resolveHubId(config, port);
  log.info({ port, host: config.host, tls: config.tls !== undefined, clientCertificates: config.tls?.clientCa !== undefined, hubId: identity.id, tokens: config.tokens.length }, 'hub listening');

  const tokens = app.get(TokensStore);
  process.on('SIGHUP', () => {
    log.info({ file: config.tokensFile }, 'SIGHUP: re-reading the tokens file');
    tokens.reload();
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    identity.shuttingDown = true;
    log.info({ signal }, 'hub shutting down');
    setTimeout(() => {
      log.warn('shutdown took too long, exiting');
      process.exit(0);
    }, SHUTDOWN_DEADLINE_MS).unref();
    await app.get(IngestSessions).shutdown(SHUTDOWN_CLOSE_WAIT_MS);
    await app.close();
    log.info('hub stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

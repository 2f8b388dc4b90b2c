import * as http from 'node:http';
import * as https from 'node:https';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { HubTls } from '../config/hub-config';

/** Headers of a request (an upgrade included) must arrive within this, or the connection is dropped (slow loris). */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 15_000;
/** How often node checks those timeouts (its default, 30 s, would let a slow client live 40 s). */
const CHECK_INTERVAL_MS = 1_000;

/**
 * Nest's Express adapter with the server created the hub's way: TLS (and client
 * certificates) when configured, header and request timeouts checked every second, no
 * x-powered-by. Nest's own initHttpServer cannot pass node's server options.
 */
export class HubHttpAdapter extends ExpressAdapter {
  constructor(private readonly tls: HubTls | undefined) {
    super();
    this.getInstance().disable('x-powered-by');
  }

  override initHttpServer(): void {
    const common = { headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: CHECK_INTERVAL_MS };
    const app = this.getInstance();
    const server = this.tls
      ? https.createServer({ ...common, cert: this.tls.cert, key: this.tls.key, ...(this.tls.clientCa ? { ca: this.tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}) }, app)
      : http.createServer(common, app);
    server.headersTimeout = HEADERS_TIMEOUT_MS;
    server.requestTimeout = REQUEST_TIMEOUT_MS;
    this.setHttpServer(server);
  }
}

import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { Logger } from 'pino';
import type { WebSocketServer } from 'ws';
import type { UpgradeAuth } from '../auth/upgrade-auth';

/**
 * Nest's WsAdapter on the application's own HTTP server, with what the hub needs on
 * every upgrade: the auth checks (verifyClient, before any WebSocket exists), the
 * message size cap and the subprotocol. Messages are handled by AgentSession, not by
 * Nest's `{event, data}` routing, which would JSON.parse every frame a second time.
 */
export class IngestWsAdapter extends WsAdapter {
  constructor(app: INestApplicationContext, private readonly auth: UpgradeAuth, private readonly maxPayload: number, private readonly log: Logger) {
    super(app);
  }

  override create(port: number, options: Record<string, unknown> = {}): WebSocketServer {
    return super.create(port, {
      ...options,
      maxPayload: this.maxPayload,
      perMessageDeflate: false,
      verifyClient: this.auth.verifyClient,
      handleProtocols: this.auth.handleProtocols,
    });
  }

  override bindMessageHandlers(): void {
    // No @SubscribeMessage handlers: AgentSession reads the frames.
  }

  override bindErrorHandler(server: WebSocketServer): WebSocketServer {
    // Per-connection errors are the session's (counted and logged there); only server errors here.
    server.on('error', (err: Error) => this.log.error({ err: err.message }, 'websocket server error'));
    return server;
  }
}

import type { IncomingMessage } from 'node:http';
import { WebSocketGateway, type OnGatewayConnection } from '@nestjs/websockets';
import { INGEST_PATH } from '@shakewatch/protocol';
import type { WebSocket } from 'ws';
import { IngestSessions } from './ingest-sessions';

/** The agents' WebSocket: thin, everything happens in the session (upgrade checks are in UpgradeAuth). */
@WebSocketGateway({ path: INGEST_PATH })
export class IngestGateway implements OnGatewayConnection {
  constructor(private readonly sessions: IngestSessions) {}

  handleConnection(client: WebSocket, req: IncomingMessage): void {
    this.sessions.accept(client, req);
  }
}

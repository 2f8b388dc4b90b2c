import type { IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { AGENT_ID_HEADER, REJECT_REASONS, SUBPROTOCOL, type RejectReason } from '@shakewatch/protocol';
import type { Logger } from 'pino';
import { HUB_LOGGER } from '../config/tokens';
import { HubHealth } from '../metrics/hub-health';
import { isAgentId } from './agent-pattern';
import { allowsAgent } from './tokens-file';
import { hashToken, TokensStore } from './tokens-store';

type VerifyCallback = (result: boolean, code?: number, message?: string, headers?: Record<string, string>) => void;
export interface VerifyInfo {
  origin: string;
  secure: boolean;
  req: IncomingMessage;
}

const BEARER = /^Bearer +([^\s]{1,4096})\s*$/i;

/** The subprotocols a client offered (Sec-WebSocket-Protocol: a, b). */
function offeredProtocols(req: IncomingMessage): string[] {
  const h = req.headers['sec-websocket-protocol'];
  return typeof h === 'string' ? h.split(',').map((s) => s.trim()) : [];
}

/**
 * Decides each WebSocket upgrade before any WebSocket exists (ws's verifyClient): bearer
 * token, agent id header and subprotocol, then whether the token may speak for that id.
 * Every refusal is an HTTP status, counted by reason and logged without the secret.
 */
@Injectable()
export class UpgradeAuth {
  constructor(
    private readonly tokens: TokensStore,
    private readonly health: HubHealth,
    @Inject(HUB_LOGGER) private readonly log: Logger,
  ) {}

  /** Bound, so it can be handed to ws as it is. */
  readonly verifyClient = (info: VerifyInfo, done: VerifyCallback): void => {
    const req = info.req;
    const remote = req.socket.remoteAddress;
    const m = BEARER.exec(req.headers.authorization ?? '');
    const tokenHash = m ? hashToken(m[1]) : undefined;
    const entry = tokenHash ? this.tokens.find(tokenHash) : undefined;
    const tokenPrefix = tokenHash?.toString('hex').slice(0, 8);
    const refuse = (reason: RejectReason & ('unauthorized' | 'bad_request' | 'forbidden_agent'), detail: Record<string, unknown>) => {
      this.health.rejected(reason);
      this.log.warn({ reason, remote, token: tokenPrefix, ...detail }, 'upgrade refused');
      done(false, REJECT_REASONS[reason].http, reason, reason === 'unauthorized' ? { 'WWW-Authenticate': 'Bearer' } : undefined);
    };
    if (!entry) return refuse('unauthorized', { detail: m ? 'unknown token' : 'no bearer token' });
    const agentId = req.headers[AGENT_ID_HEADER];
    if (!isAgentId(agentId)) return refuse('bad_request', { detail: `missing or invalid ${AGENT_ID_HEADER} header` });
    if (!offeredProtocols(req).includes(SUBPROTOCOL)) return refuse('bad_request', { agent: agentId, detail: `subprotocol ${SUBPROTOCOL} not offered` });
    if (!allowsAgent(entry, agentId)) return refuse('forbidden_agent', { agent: agentId, tokenLine: entry.line });
    done(true);
  };

  /** ws's handleProtocols: ours, or refuse (verifyClient already made sure it was offered). */
  readonly handleProtocols = (protocols: Set<string>): string | false => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false);
}

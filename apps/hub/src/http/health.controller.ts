import type { ServerResponse } from 'node:http';
import { Controller, Get, Res } from '@nestjs/common';
import { HubIdentity } from './hub-identity';

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Liveness (the process answers) and readiness (it accepts agents and scrapes: not while shutting down). */
@Controller()
export class HealthController {
  constructor(private readonly identity: HubIdentity) {}

  @Get('healthz')
  healthz(@Res() res: ServerResponse): void {
    text(res, 200, 'ok');
  }

  @Get('readyz')
  readyz(@Res() res: ServerResponse): void {
    if (this.identity.shuttingDown) text(res, 503, 'shutting down');
    else text(res, 200, 'ready');
  }
}

import type { ServerResponse } from 'node:http';
import { Controller, Get, Res } from '@nestjs/common';
import { EXPOSITION_CONTENT_TYPE } from '@shakewatch/protocol';
import { ExpositionService } from '../metrics/exposition.service';

@Controller()
export class MetricsController {
  constructor(private readonly exposition: ExpositionService) {}

  @Get('metrics')
  async metrics(@Res() res: ServerResponse): Promise<void> {
    const body = await this.exposition.render();
    res.writeHead(200, { 'Content-Type': EXPOSITION_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }
}

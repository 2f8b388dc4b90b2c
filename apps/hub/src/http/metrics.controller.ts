import type { ServerResponse } from 'node:http';
import { Controller, Get, Res } from '@nestjs/common';
import { EXPOSITION_CONTENT_TYPE } from '@shakewatch/protocol';
import { ExpositionService } from '../metrics/exposition.service';

@Controller()
export class MetricsController {
  constructor(private readonly exposition: ExpositionService) {}

  /** The cached chunks go to the socket as they are (corked: a few large writes), never joined into one copy. */
  @Get('metrics')
  async metrics(@Res() res: ServerResponse): Promise<void> {
    const { chunks, bytes } = await this.exposition.render();
    res.writeHead(200, { 'Content-Type': EXPOSITION_CONTENT_TYPE, 'Content-Length': bytes });
    res.cork();
    for (const c of chunks) res.write(c);
    res.uncork();
    res.end();
  }
}

import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '@parley/auth';
import { Database } from '@parley/persistence';

@Controller()
export class HealthController {
  constructor(private readonly db: Database) {}

  @Public() @Get('health')
  async health(@Res() res: Response) {
    const up = await this.db.ping();
    res.status(up ? 200 : 503).json({ status: up ? 'ok' : 'degraded', db: up ? 'up' : 'down', server: this.db.server });
  }
}

import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { z } from 'zod';
import { CurrentActor } from '@parley/auth';
import { CannedResponseService, NotificationService, type Actor } from '@parley/core';
import { parse, ZodBody } from '../http/zod-parse';

const CannedBody = z.object({ shortcut: z.string().trim().min(1).max(50).regex(/^\/?[\w-]+$/, 'letters, digits, - and _ only'), text: z.string().min(1).max(5000), scope: z.enum(['personal', 'shared']).default('personal') });
const CannedPatch = CannedBody.omit({ scope: true }).partial().strict();

@Controller('api/v1')
export class NotificationsController {
  constructor(private readonly notifications: NotificationService) {}

  @Get('notifications')
  async list(@CurrentActor() a: Actor) {
    return { items: await this.notifications.list(a.workspaceId, a.userId) };
  }

  @Post('notifications/:id/read') @HttpCode(200)
  async read(@CurrentActor() a: Actor, @Param('id') id: string) {
    await this.notifications.markRead(a.workspaceId, a.userId, id);
    return { ok: true };
  }
}

@Controller('api/v1/canned-responses')
export class CannedResponsesController {
  constructor(private readonly canned: CannedResponseService) {}

  @Get()
  async list(@CurrentActor() a: Actor) { return { items: await this.canned.list(a) }; }

  @Post()
  @ZodBody(CannedBody)
  create(@CurrentActor() a: Actor, @Body() body: unknown) { return this.canned.create(a, parse(CannedBody, body)); }

  @Patch(':id')
  @ZodBody(CannedPatch)
  patch(@CurrentActor() a: Actor, @Param('id') id: string, @Body() body: unknown) { return this.canned.patch(a, id, parse(CannedPatch, body)); }

  @Delete(':id') @HttpCode(204)
  async remove(@CurrentActor() a: Actor, @Param('id') id: string) { await this.canned.remove(a, id); }
}

import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { z } from 'zod';
import { CurrentActor, MinRole } from '@parley/auth';
import { InboxService, type Actor } from '@parley/core';
import { CHANNEL_KINDS, type ChannelKind } from '@parley/contracts';
import { parse, ZodBody } from '../http/zod-parse';

const hours = z.object({ timezone: z.string(), weekly: z.record(z.string(), z.array(z.tuple([z.string(), z.string()]))), holidays: z.array(z.string()).optional() });
const InboxBody = z.object({
  name: z.string().trim().min(1).max(200), channel: z.enum(CHANNEL_KINDS), config: z.record(z.string(), z.unknown()).default({}),
  teamId: z.string().nullish(), memberIds: z.array(z.string()).max(1000).optional(), businessHours: hours.nullish(),
  reopenWindowDays: z.number().min(0).max(365).optional(),
});
const InboxPatch = InboxBody.omit({ channel: true }).partial().extend({ config: z.record(z.string(), z.unknown()).optional() }).strict();

@Controller('api/v1/inboxes')
export class InboxesController {
  constructor(private readonly inboxes: InboxService) {}

  @Post() @MinRole('admin')
  @ZodBody(InboxBody)
  create(@CurrentActor() a: Actor, @Body() body: unknown) {
    const b = parse(InboxBody, body);
    return this.inboxes.create(a.workspaceId, { ...b, channel: b.channel }, a.userId);
  }

  @Get() @MinRole('supervisor')
  async list(@CurrentActor() a: Actor) {
    const rows = await this.inboxes.list(a.workspaceId);
    return { items: rows.map((r) => this.inboxes.toDto(r, { reveal: a.role === 'admin' })) };
  }

  @Get(':id') @MinRole('supervisor')
  async get(@CurrentActor() a: Actor, @Param('id') id: string) {
    return this.inboxes.toDto(await this.inboxes.get(a.workspaceId, id), { reveal: a.role === 'admin' });
  }

  @Patch(':id') @MinRole('admin')
  @ZodBody(InboxPatch)
  patch(@CurrentActor() a: Actor, @Param('id') id: string, @Body() body: unknown) {
    return this.inboxes.patch(a.workspaceId, id, parse(InboxPatch, body), a.userId);
  }

  /** "Test connection": asks the channel to check credentials and reachability, and says what failed. */
  @Post(':id/test') @MinRole('admin') @HttpCode(200)
  async test(@CurrentActor() a: Actor, @Param('id') id: string) {
    const row = await this.inboxes.get(a.workspaceId, id);
    const adapter = this.inboxes.adapterFor(row.channel as ChannelKind);
    const result = adapter.testConnection ? await adapter.testConnection(this.inboxes.fullConfig(row)) : { ok: true };
    await this.inboxes.setHealth(a.workspaceId, id, { ok: result.ok, error: (result as { error?: string }).error });
    return result;
  }
}

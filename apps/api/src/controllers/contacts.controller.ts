import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { CurrentActor } from '@parley/auth';
import { AccessService, ContactService, notFound, toSummary, type Actor } from '@parley/core';
import { Database } from '@parley/persistence';
import { parse, ZodBody } from '../http/zod-parse';

const PatchBody = z.object({
  name: z.string().trim().min(1).max(200).optional(), email: z.email().nullish(), phone: z.string().max(40).nullish(),
  attributes: z.record(z.string(), z.unknown()).optional(),
}).strict();
const MergeBody = z.object({ otherContactId: z.string().min(1) });
const BlockBody = z.object({ blocked: z.boolean().default(true) });

@Controller('api/v1/contacts')
export class ContactsController {
  constructor(private readonly contacts: ContactService, private readonly access: AccessService, private readonly db: Database) {}

  @Get()
  async search(@CurrentActor() a: Actor, @Query('q') q?: string) {
    return { items: (await this.contacts.search(a.workspaceId, q?.slice(0, 200))).map((c) => this.contacts.toDto(c)) };
  }

  @Get(':id')
  async get(@CurrentActor() a: Actor, @Param('id') id: string) {
    const c = await this.contacts.get(a.workspaceId, id);
    const v = await this.access.visibility(a);
    const convs = await this.db.conversations.find({ workspaceId: a.workspaceId, contactId: c._id }).sort({ lastActivityAt: -1 }).limit(100).lean().exec();
    return { ...this.contacts.toDto(c), conversations: convs.filter((x) => this.access.canSee(v, x)).map(toSummary) };
  }

  @Patch(':id')
  @ZodBody(PatchBody)
  async patch(@CurrentActor() a: Actor, @Param('id') id: string, @Body() body: unknown) {
    return this.contacts.toDto(await this.contacts.patch(a.workspaceId, id, parse(PatchBody, body), a.userId));
  }

  @Post(':id/merge') @HttpCode(200)
  @ZodBody(MergeBody)
  async merge(@CurrentActor() a: Actor, @Param('id') id: string, @Body() body: unknown) {
    return this.contacts.toDto(await this.contacts.merge(a.workspaceId, id, parse(MergeBody, body).otherContactId, a.userId));
  }

  @Post(':id/block') @HttpCode(200)
  @ZodBody(BlockBody)
  async block(@CurrentActor() a: Actor, @Param('id') id: string, @Body() body: unknown) {
    if (!id) throw notFound('contact');
    return this.contacts.toDto(await this.contacts.setBlocked(a.workspaceId, id, parse(BlockBody, body ?? {}).blocked, a.userId));
  }
}

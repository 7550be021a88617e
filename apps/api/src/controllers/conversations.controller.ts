import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { CurrentActor } from '@parley/auth';
import { CallService, ConversationService, MessageService, type Actor } from '@parley/core';
import { CONVERSATION_STATUSES, PRIORITIES } from '@parley/contracts';
import { isoDate, parse, ZodBody, ZodQuery } from '../http/zod-parse';

const ListQuery = z.object({
  status: z.enum(CONVERSATION_STATUSES).optional(), assigneeId: z.string().max(100).optional(), inboxId: z.string().max(100).optional(),
  teamId: z.string().max(100).optional(), label: z.string().max(100).optional(), q: z.string().max(200).optional(),
  updatedSince: isoDate.optional(), cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(100).optional(),
});
const PatchBody = z.object({ labels: z.array(z.string().trim().min(1).max(50)).max(50).optional(), priority: z.enum(PRIORITIES).optional() }).strict();
const MessagesQuery = z.object({ before: z.string().max(100).optional(), limit: z.coerce.number().int().min(1).max(200).optional() });
const MessageBody = z.object({
  text: z.string().max(20_000).optional(), attachmentIds: z.array(z.string()).max(20).optional(), private: z.boolean().optional(),
  mentions: z.array(z.string()).max(50).optional(), clientId: z.string().min(1).max(100).optional(),
});
const AssignBody = z.object({ assigneeId: z.string().nullable().optional(), teamId: z.string().nullable().optional() })
  .refine((b) => b.assigneeId !== undefined || b.teamId !== undefined, { message: 'give assigneeId and/or teamId', path: ['assigneeId'] });
const StatusBody = z.object({ status: z.enum(CONVERSATION_STATUSES), snoozeUntil: isoDate.optional() });
const StartBody = z.object({ inboxId: z.string().min(1), to: z.string().trim().min(1).max(320), text: z.string().trim().min(1).max(20_000), subject: z.string().max(500).optional() });

@Controller('api/v1/conversations')
export class ConversationsController {
  constructor(private readonly conversations: ConversationService, private readonly messages: MessageService, private readonly calls: CallService) {}

  @Get()
  @ZodQuery(ListQuery)
  list(@CurrentActor() a: Actor, @Query() q: unknown) {
    return this.conversations.list(a, parse(ListQuery, q));
  }

  @Post()
  @ZodBody(StartBody)
  start(@CurrentActor() a: Actor, @Body() body: unknown) {
    return this.messages.startConversation(a, parse(StartBody, body));
  }

  @Get(':id')
  get(@CurrentActor() a: Actor, @Param('id') id: string) {
    return this.conversations.get(a, id);
  }

  @Patch(':id')
  @ZodBody(PatchBody)
  patch(@CurrentActor() a: Actor, @Param('id') id: string, @Body() body: unknown) {
    return this.conversations.patch(a, id, parse(PatchBody, body));
  }

  @Post(':id/read') @HttpCode(200)
  read(@CurrentActor() a: Actor, @Param('id') id: string) {
    return this.conversations.markRead(a, id);
  }

  @Get(':id/messages')
  @ZodQuery(MessagesQuery)
  async listMessages(@CurrentActor() a: Actor, @Param('id') id: string, @Query() q: unknown) {
    return { items: await this.messages.list(a, id, parse(MessagesQuery, q)) };
  }

  /** The same clientId again replays the first answer: 201 with the first message (an idempotent retry). */
  @Post(':id/messages')
  @ZodBody(MessageBody)
  async post(@CurrentActor() a: Actor, @Param('id') id: string, @Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    const { message, created } = await this.messages.post(a, id, parse(MessageBody, body));
    res.setHeader('Idempotent-Replayed', created ? 'false' : 'true');
    return message;
  }

  @Post(':id/assignment') @HttpCode(200)
  @ZodBody(AssignBody)
  assign(@CurrentActor() a: Actor, @Param('id') id: string, @Body() body: unknown) {
    return this.conversations.assign(a, id, parse(AssignBody, body));
  }

  /** Click-to-call (voice channels): rings the agent's phone, then the customer. */
  @Post(':id/calls') @HttpCode(202)
  call(@CurrentActor() a: Actor, @Param('id') id: string) {
    return this.calls.start(a, id);
  }

  @Post(':id/status') @HttpCode(200)
  @ZodBody(StatusBody)
  status(@CurrentActor() a: Actor, @Param('id') id: string, @Body() body: unknown) {
    return this.conversations.setStatus(a, id, parse(StatusBody, body));
  }
}

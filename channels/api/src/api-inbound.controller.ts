import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { CHANNEL_RUNTIME, INBOUND_SINK, Public, type ChannelRuntime, type InboundSink } from '@parley/channel-kit';
import { safeEqual } from './api-signature';

const Incoming = z.object({
  externalId: z.string().trim().min(1).max(200),
  contact: z.object({ identifier: z.string().trim().min(1).max(200), name: z.string().max(200).optional(), email: z.email().optional(), phone: z.string().max(40).optional() }),
  text: z.string().min(1).max(20_000),
});

/** API channel inbound: `POST /api/v1/inboxes/:id/incoming` with `Authorization: Bearer <inboxToken>`. */
@Controller('api/v1/inboxes')
export class ApiInboundController {
  constructor(@Inject(INBOUND_SINK) private readonly sink: InboundSink, @Inject(CHANNEL_RUNTIME) private readonly runtime: ChannelRuntime) {}

  @Public() @Post(':id/incoming') @HttpCode(200)
  async incoming(@Param('id') inboxId: string, @Headers('authorization') auth: string | undefined, @Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    const token = /^Bearer\s+(\S+)$/i.exec(auth ?? '')?.[1];
    if (!token) { res.status(401); return { error: 'unauthenticated', message: 'send the inbox token as a Bearer token' }; }
    const resolved = await this.runtime.getInbox(inboxId);
    if (!resolved || resolved.inbox.channel !== 'api' || !resolved.inbox.inboxToken || !safeEqual(token, resolved.inbox.inboxToken)) {
      res.status(403);
      return { error: 'forbidden', message: 'the inbox token is wrong for this inbox' };
    }
    const parsed = Incoming.safeParse(body ?? {});
    if (!parsed.success) {
      const fields = Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.'), i.message]));
      res.status(400);
      return { error: 'invalid_request', message: `invalid request: ${Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('; ')}`, fields };
    }
    const b = parsed.data;
    const r = await this.sink.ingest(resolved.inbox.workspaceId, {
      type: 'message', inboxId, externalId: b.externalId, attachments: [], at: new Date(), text: b.text,
      from: { type: 'api', value: b.contact.identifier, name: b.contact.name, email: b.contact.email, phone: b.contact.phone },
    });
    return { ok: true, duplicate: r.duplicate, conversationId: r.conversationId, messageId: r.messageId };
  }
}

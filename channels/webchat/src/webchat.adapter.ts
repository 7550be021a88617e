import { Injectable } from '@nestjs/common';
import { ChannelSendError, type ChannelAdapter, type OutboundMessage, type SendContext, type SendResult } from '@parley/channel-kit';
import { ChannelQueryService } from '@parley/core';
import type { VisitorMessage } from './visitor-message.mapper';
import { signFileUrl } from './visitor-token';
import { validateWebchatConfig, type WebchatConfig } from './webchat-config';
import { WidgetDirectory } from './widget-directory.service';
import { WidgetRooms } from './widget-rooms';

/** How long send waits for a visitor tab to confirm receipt before settling for "sent". */
const DELIVERY_ACK_MS = 2_000;

/**
 * Web chat: the visitor is (maybe) connected to the /widget namespace. An agent's reply is pushed to every tab
 * of that visitor; when none is open it simply waits in the conversation history for the next visit.
 */
@Injectable()
export class WebchatAdapter implements ChannelAdapter<WebchatConfig> {
  readonly kind = 'webchat' as const;
  readonly capabilities = { attachments: true, typing: true, readReceipts: false };
  readonly secretKeys = ['identitySecret'] as const;

  constructor(private readonly rooms: WidgetRooms, private readonly directory: WidgetDirectory, private readonly queries: ChannelQueryService) {}

  validateConfig(config: unknown): WebchatConfig {
    return validateWebchatConfig(config);
  }

  async send(ctx: SendContext<WebchatConfig>, msg: OutboundMessage): Promise<SendResult> {
    // A merged contact may have several visitor ids in this inbox; each of them should see the reply.
    const visitorIds = new Set(msg.contact.id ? await this.queries.identityValues(ctx.inbox.workspaceId, msg.contact.id, ctx.inbox.id, 'webchat') : []);
    if (msg.contact.identifier) visitorIds.add(msg.contact.identifier);
    if (visitorIds.size === 0) throw new ChannelSendError('this contact has no web chat visitor in this inbox', false, 'no_visitor');
    const key = await this.directory.signingKey(ctx.inbox);
    const message: VisitorMessage = {
      id: msg.id, conversationId: msg.conversationId, direction: 'out', kind: 'message', text: msg.text,
      attachments: msg.attachments.map((a) => ({ id: a.id, name: a.name, contentType: a.contentType, size: a.size, url: signFileUrl(key, ctx.inbox.id, a.id) })),
      author: { type: 'user', ...(msg.author?.name ? { name: msg.author.name } : {}) }, status: 'sent', createdAt: msg.createdAt,
    };
    const confirmed = await this.rooms.pushWithAck(ctx.inbox.id, [...visitorIds], 'message.created', { message }, DELIVERY_ACK_MS);
    return { externalId: msg.id, status: confirmed > 0 ? 'delivered' : 'sent' };
  }
}

import { Injectable } from '@nestjs/common';
import type { ChannelKind, ConversationSummary, MessageDto } from '@parley/contracts';
import { Database, isDuplicateKey } from '@parley/persistence';
import { newId } from '@parley/platform';
import { AccessService } from './access.service';
import { AttachmentService } from './attachment.service';
import type { Actor } from './actor';
import { ContactService } from './contact.service';
import { ConversationService } from './conversation.service';
import { ConversationStore } from './conversation.store';
import { DomainEvents } from './domain-events';
import { invalid, notDeliverable, notFound } from './errors';
import { messageIdFor } from './ingest.service';
import { InboxService } from './inbox.service';
import { toMessageDto, toSummary, type Conv, type Msg } from './mappers';
import { NotificationService } from './notification.service';
import { mergeTerms, tokenize } from './search-terms';

export interface PostMessageInput { text?: string; attachmentIds?: string[]; private?: boolean; mentions?: string[]; clientId?: string }

/** Channels where the contact's identity of that kind is what we send to. */
const ADDRESS_TYPE: Partial<Record<ChannelKind, 'email' | 'phone'>> = { email: 'email', phone: 'phone', whatsapp: 'phone' };

@Injectable()
export class MessageService {
  constructor(
    private readonly db: Database,
    private readonly conversations: ConversationService,
    private readonly store: ConversationStore,
    private readonly contacts: ContactService,
    private readonly inboxes: InboxService,
    private readonly attachments: AttachmentService,
    private readonly notifications: NotificationService,
    private readonly events: DomainEvents,
    private readonly access: AccessService,
  ) {}

  async list(actor: Actor, conversationId: string, q: { before?: string; limit?: number }): Promise<MessageDto[]> {
    const c = await this.conversations.visible(actor, conversationId);
    const limit = Math.min(Math.max(q.limit ?? 50, 1), 200);
    const filter: Record<string, unknown> = { workspaceId: actor.workspaceId, conversationId: c._id };
    if (q.before) {
      const pivot = await this.db.messages.findOne({ _id: q.before, workspaceId: actor.workspaceId, conversationId: c._id }).lean().exec();
      if (!pivot) throw invalid('before must be the id of a message in this conversation', { before: 'unknown message' });
      filter.$or = [{ createdAt: { $lt: pivot.createdAt } }, { createdAt: pivot.createdAt, _id: { $lt: pivot._id } }];
    }
    const rows = await this.db.messages.find(filter).sort({ createdAt: -1, _id: -1 }).limit(limit).lean().exec();
    return rows.reverse().map((m) => toMessageDto(m as unknown as Msg));
  }

  /**
   * A reply (queued for the channel) or a private note (never leaves Parley). The same clientId from the same
   * user in the same conversation returns the first message: a double click never sends twice.
   */
  async post(actor: Actor, conversationId: string, input: PostMessageInput): Promise<{ message: MessageDto; created: boolean }> {
    const c = await this.conversations.visible(actor, conversationId);
    const text = (input.text ?? '').trim();
    if (!text && !input.attachmentIds?.length) throw invalid('a message needs text or attachments', { text: 'required when there are no attachments' });
    if (text.length > 20_000) throw invalid('text is too long (20,000 characters at most)', { text: 'too long' });
    const dedupeKey = input.clientId ? `client:${c._id}:${actor.userId}:${input.clientId}` : null;
    const id = dedupeKey ? messageIdFor(dedupeKey) : newId();
    if (dedupeKey) {
      const first = await this.db.messages.findById(id).lean().exec();
      if (first) return { message: toMessageDto(first), created: false };
    }
    const isNote = !!input.private;
    let mentions: string[] = [];
    if (input.mentions?.length) {
      if (!isNote) throw invalid('mentions are only for private notes', { mentions: 'set private: true' });
      mentions = [...new Set(input.mentions)];
      const found = await this.db.users.countDocuments({ workspaceId: actor.workspaceId, _id: { $in: mentions }, active: true });
      if (found !== mentions.length) throw invalid('mentions contains unknown users', { mentions: 'unknown or inactive user ids' });
    }
    if (!isNote) await this.assertDeliverable(actor.workspaceId, c);
    const atts = input.attachmentIds?.length ? await this.attachments.claim(actor.workspaceId, input.attachmentIds, { type: 'user', id: actor.userId }, c._id) : [];
    const now = new Date();
    const msg = {
      _id: id, workspaceId: actor.workspaceId, conversationId: c._id, inboxId: c.inboxId, direction: 'out', kind: isNote ? 'note' : 'message',
      text, html: null, attachments: atts.map((a) => ({ id: a._id, name: a.name, contentType: a.contentType, size: a.size })),
      author: { type: 'user', id: actor.userId, name: actor.name }, status: isNote ? 'sent' : 'queued', error: null, externalId: null,
      dedupeKey: dedupeKey ?? `id:${id}`, clientId: input.clientId ?? null, mentions, call: null, meta: {}, createdAt: now, updatedAt: now,
    };
    try {
      await this.db.messages.create(msg);
    } catch (e) {
      if (isDuplicateKey(e) && dedupeKey) {
        const first = await this.db.messages.findById(id).lean().exec();
        if (first) return { message: toMessageDto(first), created: false };
      }
      throw e;
    }
    if (!isNote) {
      // Stored before it is sent: the delivery document is the durable queue the dispatcher claims from.
      await this.db.deliveries.create({ _id: `d_${id}`, workspaceId: actor.workspaceId, messageId: id, conversationId: c._id, inboxId: c.inboxId, state: 'pending', attempts: 0, nextAttemptAt: now, createdAt: now });
    }
    const set: Record<string, unknown> = { lastActivityAt: now, terms: mergeTerms(c.terms ?? [], tokenize(text).slice(0, 100)) };
    if (!isNote) Object.assign(set, { lastMessage: { text: text.slice(0, 280) || '[attachment]', at: now, direction: 'out' }, waitingSince: null });
    const updated = await this.store.update(actor.workspaceId, c._id, { $set: set }, { previous: c });
    const dto = toMessageDto(msg as unknown as Msg);
    this.events.emit('message.created', { workspaceId: actor.workspaceId, conversation: toSummary(updated), message: dto });
    for (const userId of mentions) if (userId !== actor.userId) await this.notifications.notify(actor.workspaceId, userId, 'mention', c._id, id);
    if (!isNote) this.events.emit('outbound.queued', { workspaceId: actor.workspaceId, messageId: id });
    return { message: dto, created: true };
  }

  private async assertDeliverable(workspaceId: string, c: Conv): Promise<void> {
    const contact = await this.db.contacts.findOne({ _id: c.contactId, workspaceId }).lean().exec();
    if (!contact) throw notFound('contact');
    if (contact.blocked) throw notDeliverable('this contact is blocked');
    if (contact.optedOut && (c.channel === 'phone' || c.channel === 'whatsapp')) throw notDeliverable('the recipient has opted out of messages (replied STOP); they must text START first');
    const inbox = await this.inboxes.get(workspaceId, c.inboxId);
    if (!inbox.active) throw notDeliverable('the inbox of this conversation is disabled');
    this.inboxes.adapterFor(c.channel as ChannelKind);
  }

  /** Start an outbound conversation to an address on the inbox's channel. */
  async startConversation(actor: Actor, input: { inboxId: string; to: string; text: string; subject?: string }): Promise<ConversationSummary & { conversation: ConversationSummary; message: MessageDto }> {
    const inbox = await this.inboxes.get(actor.workspaceId, input.inboxId);
    const v = await this.access.visibility(actor);
    if (!v.all && !v.inboxIds.includes(inbox._id)) throw notFound('inbox');
    const type = ADDRESS_TYPE[inbox.channel as ChannelKind] ?? (inbox.channel as ChannelKind);
    const contact = await this.contacts.resolve(actor.workspaceId, inbox._id, { type: type, value: input.to });
    const conv = await this.store.create({ workspaceId: actor.workspaceId, inboxId: inbox._id, channel: inbox.channel, contactId: contact._id, contactName: contact.name, subject: input.subject ?? null, now: new Date(), assigneeId: actor.userId });
    await this.store.pointSlot(actor.workspaceId, inbox._id, contact._id, conv._id);
    this.store.emitCreated(conv);
    const { message } = await this.post(actor, conv._id, { text: input.text });
    const after = toSummary(await this.store.get(actor.workspaceId, conv._id));
    // The new conversation's summary at the top level (like GET /conversations/:id), plus the first message.
    return { ...after, conversation: after, message };
  }

}

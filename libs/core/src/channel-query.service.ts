import { Injectable } from '@nestjs/common';
import type { MessageDto } from '@parley/contracts';
import { Database } from '@parley/persistence';
import { identityKey, normalizeIdentity } from './contact.service';
import { toMessageDto, type Msg } from './mappers';

export interface ContactBrief { id: string; name: string; email: string | null; blocked: boolean }
export interface ConversationBrief { id: string; inboxId: string; channel: string; contactId: string; status: string }

/**
 * Read-only lookups a live channel (the web chat widget) needs besides ingesting: which inbox a public
 * widget token belongs to, who a visitor is without creating them, and what they may see of their own
 * conversation. Nothing here writes.
 */
@Injectable()
export class ChannelQueryService {
  constructor(private readonly db: Database) {}

  /** The active inbox a public widget token belongs to. */
  async inboxIdByWidgetToken(widgetToken: string): Promise<{ id: string; workspaceId: string } | null> {
    if (!widgetToken) return null;
    const row = await this.db.inboxes.findOne({ widgetToken, active: true }, { _id: 1, workspaceId: 1 }).lean().exec();
    return row ? { id: row._id, workspaceId: row.workspaceId } : null;
  }

  async widgetTokenOf(inboxId: string): Promise<string | null> {
    const row = await this.db.inboxes.findById(inboxId, { widgetToken: 1, active: 1 }).lean().exec();
    return row?.active ? row.widgetToken ?? null : null;
  }

  /** The contact behind a channel identity, following merges; null when we have never seen it (nothing is created). */
  async contactByIdentity(workspaceId: string, inboxId: string, type: string, value: string): Promise<ContactBrief | null> {
    let normalized: string;
    try { normalized = normalizeIdentity(type, value); } catch { return null; }
    const ident = await this.db.identities.findById(identityKey(workspaceId, inboxId, type, normalized)).lean().exec();
    if (!ident || ident.workspaceId !== workspaceId) return null;
    return this.contact(workspaceId, ident.contactId);
  }

  async contact(workspaceId: string, contactId: string): Promise<ContactBrief | null> {
    let c = await this.db.contacts.findOne({ _id: contactId, workspaceId }).lean().exec();
    for (let i = 0; c?.mergedInto && i < 10; i++) c = await this.db.contacts.findOne({ _id: c.mergedInto, workspaceId }).lean().exec();
    return c ? { id: c._id, name: c.name, email: c.email ?? null, blocked: !!c.blocked } : null;
  }

  /** The values of a contact's identities of one type scoped to one inbox (e.g. its web chat visitor ids). */
  async identityValues(workspaceId: string, contactId: string, inboxId: string, type: string): Promise<string[]> {
    const c = await this.db.contacts.findOne({ _id: contactId, workspaceId }, { identities: 1 }).lean().exec();
    return (c?.identities ?? []).filter((i) => i.type === type && i.inboxId === inboxId).map((i) => i.value);
  }

  /** The (inbox, contact) current conversation, as the next customer message would find it through its slot. */
  async currentConversationId(workspaceId: string, inboxId: string, contactId: string): Promise<string | null> {
    const slot = await this.db.slots.findById(`${inboxId}|${contactId}`).lean().exec();
    return slot && slot.workspaceId === workspaceId ? slot.conversationId : null;
  }

  async conversation(workspaceId: string, conversationId: string): Promise<ConversationBrief | null> {
    const c = await this.db.conversations.findOne({ _id: conversationId, workspaceId }, { inboxId: 1, channel: 1, contactId: 1, status: 1 }).lean().exec();
    return c ? { id: c._id, inboxId: c.inboxId, channel: c.channel, contactId: c.contactId, status: c.status } : null;
  }

  /** The customer-visible part of a conversation (messages only: never notes, activity lines or calls), oldest first. */
  async recentPublicMessages(workspaceId: string, conversationId: string, limit = 50): Promise<MessageDto[]> {
    const rows = await this.db.messages.find({ workspaceId, conversationId, kind: 'message' })
      .sort({ createdAt: -1, _id: -1 }).limit(Math.min(Math.max(limit, 1), 200)).lean().exec();
    return rows.reverse().map((m) => toMessageDto(m as unknown as Msg));
  }

  async message(workspaceId: string, messageId: string): Promise<MessageDto | null> {
    const m = await this.db.messages.findOne({ _id: messageId, workspaceId }).lean().exec();
    return m ? toMessageDto(m) : null;
  }
}

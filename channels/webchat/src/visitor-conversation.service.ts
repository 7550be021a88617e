import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { INBOUND_SINK, type InboundSink } from '@parley/channel-kit';
import { AttachmentService, ChannelQueryService, ContactService, DomainError, DomainEvents, messageIdFor } from '@parley/core';
import { MAX_ATTACHMENTS_PER_MESSAGE } from './upload-policy';
import { toVisitorMessage, type VisitorMessage } from './visitor-message.mapper';
import type { AdmittedVisitor } from './visitor-admission.service';
import { WidgetDirectory } from './widget-directory.service';
import { VISITOR_MESSAGES_PER_MINUTE, VISITOR_TEXT_MAX, VisitorLimiter } from './visitor-limits';

/**
 * One connected visitor tab, kept on its socket. Plain JSON on purpose: connection state recovery stores it
 * with the session (in Redis when several processes share events) and restores it without the middleware.
 */
export interface VisitorSession {
  workspaceId: string;
  inboxId: string;
  visitorId: string;
  verified: boolean;
  visitorToken: string;
  contactId: string | null;
  contactName: string | null;
  email: string | null;
  blocked: boolean;
  conversationId: string | null;
  profile: { name?: string; email?: string };
  pageUrl: string | null;
  typing: { conversationId: string; at: number } | null;
}

/** Enough of a visitor to find or create their contact (an upload has no socket session). */
export type ContactTarget = Pick<VisitorSession, 'workspaceId' | 'inboxId' | 'visitorId' | 'verified' | 'profile' | 'contactId'>
  & Partial<Pick<VisitorSession, 'contactName' | 'email' | 'blocked'>>;

export type VisitorAck<T extends object = object> = ({ ok: true } & T) | { ok: false; error: string; code: string };
const fail = (code: string, error: string): { ok: false; error: string; code: string } => ({ ok: false, error, code });

const SendInput = z.object({
  text: z.string().max(100_000).optional(),
  attachmentIds: z.array(z.string().min(1).max(64)).max(MAX_ATTACHMENTS_PER_MESSAGE).optional(),
  // Part of the message's externalId `<visitorId>:<clientId>`: no colon, so the visitor id can be split off.
  clientId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'clientId must be 1-64 letters, digits, "-" or "_"'),
});
const PrechatInput = z.object({
  name: z.string().trim().max(120).optional(),
  email: z.email().max(254).optional(),
});
const TYPING_REPEAT_MS = 2_500;

/**
 * What a visitor can do: see their conversation, write (text and their own uploads), tell us who they are,
 * and type. Writing goes through the core's ingest like every other channel: stored once per
 * (inbox, `<visitorId>:<clientId>`), so a resend after a flaky connection returns the first message.
 */
@Injectable()
export class VisitorConversationService {
  private readonly limiter = new VisitorLimiter(VISITOR_MESSAGES_PER_MINUTE);

  constructor(
    @Inject(INBOUND_SINK) private readonly sink: InboundSink,
    private readonly queries: ChannelQueryService,
    private readonly contacts: ContactService,
    private readonly attachments: AttachmentService,
    private readonly events: DomainEvents,
    private readonly directory: WidgetDirectory,
  ) {}

  /** The visitor behind an admitted handshake, without creating anything for a first-time visitor. */
  async open(v: AdmittedVisitor, pageUrl: string | null): Promise<{ session: VisitorSession; messages: VisitorMessage[] }> {
    const { inbox } = v.widget;
    const contact = await this.queries.contactByIdentity(inbox.workspaceId, inbox.id, 'webchat', v.claim.visitorId);
    const conversationId = contact ? await this.queries.currentConversationId(inbox.workspaceId, inbox.id, contact.id) : null;
    const session: VisitorSession = {
      workspaceId: inbox.workspaceId, inboxId: inbox.id, visitorId: v.claim.visitorId, verified: v.claim.kind === 'i', visitorToken: v.visitorToken,
      contactId: contact?.id ?? null, contactName: contact?.name ?? null, email: contact?.email ?? null, blocked: !!contact?.blocked,
      conversationId, profile: v.profile, pageUrl, typing: null,
    };
    return { session, messages: conversationId ? await this.history(session, conversationId) : [] };
  }

  async history(s: VisitorSession, conversationId: string): Promise<VisitorMessage[]> {
    const rows = await this.queries.recentPublicMessages(s.workspaceId, conversationId, 50);
    const key = await this.keyOf(s);
    return rows.map((m) => toVisitorMessage(m, s.inboxId, key, s.visitorId)).filter((m): m is VisitorMessage => m !== null);
  }

  private async keyOf(s: VisitorSession): Promise<Buffer> {
    const w = await this.directory.inbox(s.inboxId);
    if (!w) throw new Error('the inbox of this widget is gone');
    return this.directory.signingKey(w.inbox);
  }

  private defaultName(s: ContactTarget): string | undefined {
    if (s.profile.name) return s.profile.name;
    if (s.verified) return undefined; // the core names it after the email or the site's user id
    return `Visitor ${s.visitorId.replace(/[^A-Za-z0-9]/g, '').slice(1, 5).toUpperCase()}`;
  }

  /** The visitor's contact, created now if this is their first step that needs one (an upload, a pre-chat form). */
  async ensureContact(s: ContactTarget): Promise<string> {
    if (s.contactId) return s.contactId;
    const c = await this.contacts.resolve(s.workspaceId, s.inboxId, { type: 'webchat', value: s.visitorId, name: this.defaultName(s), email: s.profile.email });
    Object.assign(s, { contactId: c._id, contactName: c.name, email: c.email ?? null, blocked: !!c.blocked });
    return c._id;
  }

  async send(s: VisitorSession, raw: unknown): Promise<VisitorAck<{ message: VisitorMessage }>> {
    const parsed = SendInput.safeParse(raw ?? {});
    if (!parsed.success) return fail('invalid_request', parsed.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; '));
    const input = parsed.data;
    const text = (input.text ?? '').trim();
    const ids = [...new Set(input.attachmentIds ?? [])];
    if (!text && ids.length === 0) return fail('invalid_request', 'a message needs text or an attachment');
    if (text.length > VISITOR_TEXT_MAX) return fail('too_long', `the message is too long (${VISITOR_TEXT_MAX.toLocaleString('en')} characters at most)`);

    const externalId = `${s.visitorId}:${input.clientId}`;
    // A resend of a message we already have answers with the first one and costs nothing.
    const first = await this.queries.message(s.workspaceId, messageIdFor(`in:${s.inboxId}:${externalId}`));
    if (first) return { ok: true, message: toVisitorMessage(first, s.inboxId, await this.keyOf(s), s.visitorId)! };

    const wait = await this.limiter.take(`${s.inboxId}:${s.visitorId}`);
    if (wait) return fail('rate_limited', `you are sending messages too quickly; try again in ${wait} s`);

    if (ids.length) {
      const contactId = s.contactId ?? (await this.queries.contactByIdentity(s.workspaceId, s.inboxId, 'webchat', s.visitorId))?.id ?? null;
      if (!contactId) return fail('invalid_request', 'unknown attachment: upload it first');
      s.contactId = contactId;
      const rows = await this.attachments.repo.findByIds(s.workspaceId, ids);
      for (const id of ids) {
        const row = rows.find((r) => r._id === id);
        const by = row?.uploadedBy as { type?: string; id?: string } | undefined;
        if (!row || by?.type !== 'contact' || by.id !== contactId || row.conversationId) return fail('invalid_request', `attachment ${id} is not an unused upload of yours`);
      }
    }

    const result = await this.sink.ingest(s.workspaceId, {
      type: 'message', inboxId: s.inboxId, externalId, text, attachments: [], uploadedAttachmentIds: ids, at: new Date(),
      from: { type: 'webchat', value: s.visitorId, name: this.defaultName(s), email: s.profile.email },
      meta: { webchat: { verified: s.verified, ...(s.pageUrl ? { pageUrl: s.pageUrl } : {}) } },
    });
    if (!result.messageId || !result.conversationId) return fail('internal', 'the message could not be stored; try again');
    if (result.contactId) s.contactId = result.contactId;
    s.conversationId = result.conversationId;
    const stored = await this.queries.message(s.workspaceId, result.messageId);
    if (!stored) return fail('internal', 'the message could not be read back; try again');
    return { ok: true, message: toVisitorMessage(stored, s.inboxId, await this.keyOf(s), s.visitorId)! };
  }

  /** Pre-chat form or "leave your email": updates the contact, creating it if the visitor has not written yet. */
  async prechat(s: VisitorSession, raw: unknown): Promise<VisitorAck> {
    const parsed = PrechatInput.safeParse(raw ?? {});
    if (!parsed.success) return fail('invalid_request', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const { name, email } = parsed.data;
    if (!name && !email) return { ok: true };
    const existed = !!s.contactId;
    if (!existed) {
      s.profile = { ...s.profile, ...(name ? { name } : {}), ...(email ? { email } : {}) };
      await this.ensureContact(s);
      if (s.contactName === name && (!email || s.email === email)) return { ok: true };
    }
    const contactId = s.contactId!;
    const actor = `contact:${contactId}`;
    if (name && name !== s.contactName) {
      await this.contacts.patch(s.workspaceId, contactId, { name }, actor);
      s.contactName = name;
    }
    if (email && email.toLowerCase() !== s.email) {
      try {
        await this.contacts.patch(s.workspaceId, contactId, { email }, actor);
        s.email = email.toLowerCase();
      } catch (e) {
        // Another contact owns this address. Merging people is an agent's decision, and telling the visitor
        // would reveal who our customers are: keep it as a note on the contact instead.
        if (!(e instanceof DomainError)) throw e;
        await this.contacts.patch(s.workspaceId, contactId, { attributes: { prechatEmail: email.toLowerCase() } }, actor);
      }
    }
    s.profile = { ...s.profile, ...(name ? { name } : {}), ...(email ? { email } : {}) };
    return { ok: true };
  }

  /** Tells the agents' side the visitor is typing (only once they have a conversation; repeats are thinned). */
  typing(s: VisitorSession, raw: unknown): void {
    const isTyping = !!(raw && typeof raw === 'object' && (raw as { isTyping?: unknown }).isTyping === true);
    const conversationId = s.conversationId;
    if (!conversationId || !s.contactId || s.blocked) return;
    const now = Date.now();
    if (isTyping && s.typing?.conversationId === conversationId && now - s.typing.at < TYPING_REPEAT_MS) return;
    if (!isTyping && !s.typing) return;
    s.typing = isTyping ? { conversationId, at: now } : null;
    this.events.emit('conversation.typing', {
      workspaceId: s.workspaceId, conversationId, inboxId: s.inboxId,
      who: { type: 'contact', id: s.contactId, name: s.contactName ?? s.profile.name ?? 'Visitor' }, isTyping,
    });
  }

  /** A tab that closes while typing must not leave "typing…" on an agent's screen. */
  closed(s: VisitorSession): void {
    if (s.typing) this.typing(s, { isTyping: false });
  }
}

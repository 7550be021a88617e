import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { InboundCall, InboundMessage, InboundSink, InboundStatus, IngestResult, NormalizedInbound } from '@parley/channel-kit';
import { Database, isDuplicateKey } from '@parley/persistence';
import { AttachmentService } from './attachment.service';
import { ContactService, type ContactRow } from './contact.service';
import { ConversationStore } from './conversation.store';
import { DomainEvents } from './domain-events';
import { toMessageDto, toSummary, type Conv, type Msg } from './mappers';
import { notFound } from './errors';
import { mergeTerms, tokenize } from './search-terms';
import type { InboxRow } from './inbox.service';

/** Deterministic message _id for a dedupe key: a duplicate is one failed insert, and a lookup is one _id read. */
export const messageIdFor = (dedupeKey: string) => `m${createHash('sha256').update(dedupeKey).digest('hex').slice(0, 23)}`;
export const refId = (inboxId: string, externalId: string) => `${inboxId}:${externalId}`;

const STATUS_RANK: Record<string, number> = { queued: 0, sent: 1, delivered: 2, read: 3 };

/**
 * The one inbound path (DESIGN §1): contact by identity → conversation by thread rules → message stored once
 * per (inboxId, externalId) → summary → domain events.
 */
@Injectable()
export class IngestService implements InboundSink {
  constructor(
    private readonly db: Database,
    private readonly contacts: ContactService,
    private readonly store: ConversationStore,
    private readonly attachments: AttachmentService,
    private readonly events: DomainEvents,
  ) {}

  async ingest(workspaceId: string, event: NormalizedInbound): Promise<IngestResult> {
    const inbox = await this.db.inboxes.findOne({ _id: event.inboxId, workspaceId }).lean().exec();
    if (!inbox) throw notFound('inbox');
    if (event.type === 'status') return this.status(workspaceId, event);
    return this.message(workspaceId, inbox, event);
  }

  private async message(workspaceId: string, inbox: InboxRow, ev: InboundMessage | InboundCall): Promise<IngestResult> {
    const dedupeKey = `in:${inbox._id}:${ev.externalId}`;
    const id = messageIdFor(dedupeKey);
    const seen = await this.db.messages.findById(id, { conversationId: 1 }).lean().exec();
    if (seen) return { duplicate: true, messageId: id, conversationId: seen.conversationId };

    const contact = await this.contacts.resolve(workspaceId, inbox._id, ev.from);
    const isCall = ev.type === 'call';
    const noise = !isCall && !!(ev).noise;
    const quiet = contact.blocked || noise;
    const now = new Date();
    const { conv, created } = await this.pickConversation(workspaceId, inbox, contact, ev, quiet, now);

    const files = !isCall ? (ev).attachments ?? [] : [];
    const atts = [];
    const uploaded = !isCall ? (ev).uploadedAttachmentIds ?? [] : [];
    if (uploaded.length) {
      for (const row of await this.attachments.claim(workspaceId, uploaded, { type: 'contact', id: contact._id }, conv._id)) {
        atts.push({ id: row._id, name: row.name, contentType: row.contentType, size: row.size });
      }
    }
    for (const f of files) {
      const row = await this.attachments.store(workspaceId, { name: f.name, contentType: f.contentType, data: f.data, contentId: f.contentId }, { type: 'contact', id: contact._id }, conv._id);
      atts.push({ id: row._id, name: row.name, contentType: row.contentType, size: row.size });
    }
    const text = isCall ? callText(ev) : ((ev).text ?? '').slice(0, 100_000);
    const msg = {
      _id: id, workspaceId, conversationId: conv._id, inboxId: inbox._id, direction: 'in', kind: isCall ? 'call' : 'message',
      text, html: isCall ? null : (ev).html ?? null, attachments: atts,
      author: { type: 'contact', id: contact._id, name: contact.name }, status: 'received', error: null, externalId: ev.externalId,
      dedupeKey, clientId: null, mentions: [],
      call: isCall ? { phase: ev.phase, durationSec: (ev).durationSec, recordingUrl: (ev).recordingUrl, transcript: (ev).transcript } : null,
      meta: { ...(isCall ? {} : (ev).meta ?? {}), ...(noise ? { noise: true } : {}), ...(contact.blocked ? { blocked: true } : {}), subject: isCall ? undefined : (ev).subject },
      createdAt: ev.at ?? now, updatedAt: now,
    };
    try {
      await this.db.messages.create(msg);
    } catch (e) {
      if (isDuplicateKey(e)) {
        if (created) await this.store.repo.deleteById(workspaceId, conv._id).catch(() => undefined);
        return { duplicate: true, messageId: id, conversationId: conv._id };
      }
      throw e;
    }
    // Insert-or-keep as a plain insert: on FerretDB an upsert first looks the _id up with a scan that grows with
    // every message ever stored, while the insert is checked by the unique index (same result on MongoDB).
    await this.db.externalRefs.create({ _id: refId(inbox._id, ev.externalId), workspaceId, conversationId: conv._id, messageId: id }).catch((e: unknown) => {
      if (!isDuplicateKey(e)) throw e;
    });
    if (!isCall && (ev).optOut !== undefined) await this.contacts.setOptOut(workspaceId, contact._id, !!(ev).optOut);

    const counts = !quiet && !(isCall && !(ev).opens && ev.phase !== 'completed');
    const reopen = !quiet && (!isCall || !!(ev).opens);
    const set: Record<string, unknown> = {
      lastMessage: { text: text.slice(0, 280), at: msg.createdAt, direction: 'in' }, lastActivityAt: now,
      terms: mergeTerms(conv.terms ?? [], [...(contact.terms ?? []), ...tokenize(`${(ev as InboundMessage).subject ?? ''} ${text}`).slice(0, 200)]),
    };
    if (reopen && conv.status !== 'open') Object.assign(set, { status: 'open', snoozeUntil: null, resolvedAt: null });
    if (reopen && !conv.waitingSince) set.waitingSince = msg.createdAt;
    if (!conv.subject && !isCall && (ev).subject) set.subject = (ev).subject.slice(0, 500);
    const updated = await this.store.update(workspaceId, conv._id, { $set: set, ...(counts ? { $inc: { unreadCount: 1 } } : {}) }, { silent: true });
    if (!contact.blocked) {
      if (created && !quiet) this.store.emitCreated(updated);
      else if (!created) this.events.emit('conversation.updated', { workspaceId, conversation: toSummary(updated) });
      this.events.emit('message.created', { workspaceId, conversation: toSummary(updated), message: toMessageDto(msg as unknown as Msg) });
    }
    return { duplicate: false, messageId: id, conversationId: conv._id, contactId: contact._id };
  }

  private async pickConversation(workspaceId: string, inbox: InboxRow, contact: ContactRow, ev: InboundMessage | InboundCall, quiet: boolean, now: Date): Promise<{ conv: Conv; created: boolean }> {
    const window = inbox.reopenWindowDays ?? 7;
    if (ev.type === 'message') {
      // Channel thread hints first (email): our own conversation token, then referenced message ids.
      let threaded: Conv | null = null;
      const m = /^conv:(.+)$/.exec(ev.threadKey ?? '');
      if (m) threaded = await this.store.repo.findOne(workspaceId, { _id: m[1], inboxId: inbox._id });
      if (!threaded && ev.references?.length) {
        const refs = await this.db.externalRefs.find({ _id: { $in: ev.references.slice(-20).map((r) => refId(inbox._id, r)) } }).lean().exec();
        const hit = refs.find((r) => r.workspaceId === workspaceId);
        if (hit) threaded = await this.store.repo.findById(workspaceId, hit.conversationId);
      }
      if (threaded && threaded.contactId !== contact._id && !ev.threadKey) threaded = null; // another sender: never join by reference alone
      if (threaded && this.store.continues(threaded, now, window)) {
        if (!quiet) await this.store.pointSlot(workspaceId, inbox._id, threaded.contactId, threaded._id);
        return { conv: threaded, created: false };
      }
      if (ev.meta?.newThread || threaded) {
        const conv = await this.store.create({ workspaceId, inboxId: inbox._id, channel: inbox.channel, contactId: contact._id, contactName: contact.name, subject: ev.subject ?? null, initialStatus: quiet ? 'resolved' : 'open', now });
        if (!quiet) await this.store.pointSlot(workspaceId, inbox._id, contact._id, conv._id);
        return { conv, created: true };
      }
    }
    return this.store.currentOrNew({
      workspaceId, inboxId: inbox._id, channel: inbox.channel, contactId: contact._id, contactName: contact.name, reopenWindowDays: window,
      subject: ev.type === 'message' ? ev.subject ?? null : null, initialStatus: quiet ? 'resolved' : 'open', now,
    });
  }

  /** Receipts only move forward (queued → sent → delivered → read); failure never overrides delivered/read. */
  private async status(workspaceId: string, ev: InboundStatus): Promise<IngestResult> {
    const ref = await this.db.externalRefs.findById(refId(ev.inboxId, ev.externalId)).lean().exec();
    if (!ref || ref.workspaceId !== workspaceId) return { duplicate: true };
    const allowedFrom = ev.status === 'failed' ? ['queued', 'sent'] : Object.keys(STATUS_RANK).filter((s) => STATUS_RANK[s] < STATUS_RANK[ev.status]);
    const set: Record<string, unknown> = { status: ev.status, updatedAt: new Date() };
    if (ev.status === 'failed') set.error = ev.error ?? 'delivery failed';
    const m = await this.db.messages.findOneAndUpdate({ _id: ref.messageId, workspaceId, status: { $in: allowedFrom } }, { $set: set }, { new: true }).lean().exec();
    if (!m) return { duplicate: true, messageId: ref.messageId, conversationId: ref.conversationId };
    const conv = await this.store.get(workspaceId, ref.conversationId);
    this.events.emit('message.updated', { workspaceId, conversation: toSummary(conv), message: toMessageDto(m as unknown as Msg) });
    return { duplicate: false, messageId: m._id, conversationId: ref.conversationId };
  }
}

function callText(ev: InboundCall): string {
  const d = ev.durationSec ? ` (${ev.durationSec}s)` : '';
  if (ev.transcript) return `Voicemail: ${ev.transcript}`;
  if (ev.recordingUrl) return `Voicemail${d}`;
  return `Call ${ev.phase}${d}`;
}

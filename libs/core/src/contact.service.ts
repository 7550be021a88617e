import { Injectable } from '@nestjs/common';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { ContactDto, IdentityDto } from '@parley/contracts';
import type { Identity } from '@parley/channel-kit';
import { Database, isDuplicateKey, WorkspaceScopedRepository, type ContactDoc } from '@parley/persistence';
import { newId } from '@parley/platform';
import { AuditService } from './audit.service';
import { invalid, notFound } from './errors';
import { queryTerms, tokenizeWithPrefixes } from './search-terms';
import { DomainEvents } from './domain-events';
import { toSummary } from './mappers';

export type ContactRow = ContactDoc & { _id: string };
const SHARED_TYPES = new Set(['phone', 'email']);

export function normalizeIdentity(type: string, value: string): string {
  const v = value.trim();
  if (type === 'email') return v.toLowerCase();
  if (type === 'phone' || type === 'whatsapp') {
    const p = parsePhoneNumberFromString(v.startsWith('+') ? v : `+${v.replace(/^00/, '')}`);
    if (!p || !p.isPossible()) throw invalid(`"${value}" is not a phone number in international format`, { phone: 'expected E.164, e.g. +14155550100' });
    return p.number;
  }
  return v;
}

/**
 * Phone numbers and email addresses are one identity per workspace; channel-local identifiers (API, web
 * chat, social ids) mean something only inside their inbox, so their key includes the inbox.
 */
export function identityKey(workspaceId: string, inboxId: string, type: string, value: string): string {
  return SHARED_TYPES.has(type) ? `${workspaceId}|${type}|${value}` : `${workspaceId}|${inboxId}|${type}|${value}`;
}

@Injectable()
export class ContactService {
  readonly repo: WorkspaceScopedRepository<ContactRow>;

  constructor(private readonly db: Database, private readonly audit: AuditService, private readonly events: DomainEvents) {
    this.repo = new WorkspaceScopedRepository<ContactRow>(db.contacts as never);
  }

  /** The contact behind an identity, created on first sight. Safe under concurrency: the identity insert decides. */
  async resolve(workspaceId: string, inboxId: string, identity: Identity): Promise<ContactRow> {
    const type = identity.type;
    const value = normalizeIdentity(type, identity.value);
    const key = identityKey(workspaceId, inboxId, type, value);
    const existing = await this.db.identities.findById(key).lean().exec();
    if (existing) return this.follow(workspaceId, existing.contactId);

    const email = type === 'email' ? value : identity.email ? identity.email.trim().toLowerCase() : null;
    let phone: string | null = type === 'phone' ? value : null;
    if (!phone && identity.phone) { try { phone = normalizeIdentity('phone', identity.phone); } catch { phone = null; } }
    const now = new Date();
    const scopedInbox = SHARED_TYPES.has(type) ? null : inboxId;
    const contact: ContactRow = {
      _id: newId(), workspaceId, name: identity.name?.trim() || (email ?? phone ?? value), email, phone,
      identities: [{ type, value, inboxId: scopedInbox }], attributes: {}, blocked: false, optedOut: false, mergedInto: null,
      terms: [], createdAt: now, updatedAt: now,
    } as unknown as ContactRow;
    contact.terms = this.termsOf(contact);
    await this.repo.insert(workspaceId, contact);
    try {
      await this.db.identities.create({ _id: key, workspaceId, contactId: contact._id, type, value, inboxId: scopedInbox, createdAt: now });
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      await this.repo.deleteById(workspaceId, contact._id);
      const winner = await this.db.identities.findById(key).lean().exec();
      return this.follow(workspaceId, winner!.contactId);
    }
    // Extra shared identities the channel told us about (e.g. the API channel's contact.email) join this contact
    // unless another contact already owns them: merging people is an explicit act, never a side effect.
    for (const [t, v] of [['email', email], ['phone', phone]] as const) {
      if (!v || t === type) continue;
      await this.link(workspaceId, contact._id, t, v, null).catch(() => undefined);
    }
    return (await this.repo.findById(workspaceId, contact._id))!;
  }

  private async link(workspaceId: string, contactId: string, type: string, value: string, inboxId: string | null): Promise<boolean> {
    try {
      await this.db.identities.create({ _id: identityKey(workspaceId, inboxId ?? '', type, value), workspaceId, contactId, type, value, inboxId, createdAt: new Date() });
      await this.repo.updateById(workspaceId, contactId, { $push: { identities: { type, value, inboxId } } });
      return true;
    } catch (e) {
      if (isDuplicateKey(e)) return false;
      throw e;
    }
  }

  private async follow(workspaceId: string, contactId: string): Promise<ContactRow> {
    let c = await this.repo.findById(workspaceId, contactId);
    for (let i = 0; c?.mergedInto && i < 10; i++) c = await this.repo.findById(workspaceId, c.mergedInto);
    if (!c) throw notFound('contact');
    return c;
  }

  termsOf(c: { name: string; email?: string | null; phone?: string | null; identities?: ReadonlyArray<{ value: string }> }): string[] {
    const parts = [c.name, c.email ?? '', c.phone ?? '', ...(c.identities ?? []).map((i) => i.value)];
    return tokenizeWithPrefixes(parts.join(' '));
  }

  async get(workspaceId: string, id: string): Promise<ContactRow> {
    const c = await this.repo.findById(workspaceId, id);
    if (!c || c.mergedInto) throw notFound('contact');
    return c;
  }

  async search(workspaceId: string, q: string | undefined, limit = 50): Promise<ContactRow[]> {
    const terms = q ? queryTerms(q) : [];
    const filter = terms.length ? { mergedInto: null, terms: { $all: terms } } : { mergedInto: null };
    return this.repo.find(workspaceId, filter, { sort: { updatedAt: -1 }, limit });
  }

  async patch(workspaceId: string, id: string, patch: { name?: string; email?: string | null; phone?: string | null; attributes?: Record<string, unknown> }, actorId: string): Promise<ContactRow> {
    const c = await this.get(workspaceId, id);
    const set: Record<string, unknown> = { updatedAt: new Date() };
    if (patch.name !== undefined) set.name = patch.name.trim();
    if (patch.attributes !== undefined) set.attributes = { ...(c.attributes as object), ...patch.attributes };
    for (const type of ['email', 'phone'] as const) {
      const raw = patch[type];
      if (raw === undefined) continue;
      if (raw === null) { set[type] = null; continue; }
      const v = normalizeIdentity(type, raw);
      const owner = await this.db.identities.findById(identityKey(workspaceId, '', type, v)).lean().exec();
      if (owner && owner.contactId !== id) throw invalid(`another contact already has this ${type}; merge the two contacts instead`, { [type]: 'belongs to another contact' });
      if (!owner) await this.link(workspaceId, id, type, v, null);
      set[type] = v;
    }
    await this.repo.updateById(workspaceId, id, { $set: set });
    const updated = (await this.repo.findById(workspaceId, id))!;
    await this.repo.updateById(workspaceId, id, { $set: { terms: this.termsOf(updated) } });
    if (patch.name !== undefined) await this.db.conversations.updateMany({ workspaceId, contactId: id }, { $set: { contactName: updated.name } }).exec();
    await this.audit.record(workspaceId, actorId, 'contact.updated', 'contact', id, { fields: Object.keys(patch) });
    return updated;
  }

  /** Folds `otherId` into `id`: identities, conversations and slots move; the other is kept as a tombstone. */
  async merge(workspaceId: string, id: string, otherId: string, actorId: string): Promise<ContactRow> {
    const [c, other] = [await this.get(workspaceId, id), await this.get(workspaceId, otherId)];
    if (id === otherId) throw invalid('cannot merge a contact with itself', { otherContactId: 'same as the target' });
    await this.db.identities.updateMany({ workspaceId, contactId: otherId }, { $set: { contactId: id } }).exec();
    const identities = [...c.identities];
    for (const i of other.identities) if (!identities.some((x) => x.type === i.type && x.value === i.value && x.inboxId === i.inboxId)) identities.push(i);
    const merged = { ...c, identities, email: c.email ?? other.email, phone: c.phone ?? other.phone };
    await this.repo.updateById(workspaceId, id, { $set: { identities, email: merged.email, phone: merged.phone, attributes: { ...(other.attributes as object), ...(c.attributes as object) }, blocked: c.blocked || other.blocked, optedOut: c.optedOut || other.optedOut, terms: this.termsOf(merged), updatedAt: new Date() } });
    const convs = await this.db.conversations.find({ workspaceId, contactId: otherId }).lean().exec();
    await this.db.conversations.updateMany({ workspaceId, contactId: otherId }, { $set: { contactId: id, contactName: c.name, updatedAt: new Date() } }).exec();
    for (const conv of convs) {
      if (conv.status === 'resolved') continue;
      await this.db.slots.create({ _id: `${conv.inboxId}|${id}`, workspaceId, conversationId: conv._id }).catch(() => undefined);
    }
    await this.repo.updateById(workspaceId, otherId, { $set: { mergedInto: id, identities: [], terms: [], updatedAt: new Date() } });
    await this.audit.record(workspaceId, actorId, 'contact.merged', 'contact', id, { otherContactId: otherId });
    for (const conv of await this.db.conversations.find({ workspaceId, contactId: id }).lean().exec()) {
      this.events.emit('conversation.updated', { workspaceId, conversation: toSummary(conv) });
    }
    return (await this.repo.findById(workspaceId, id))!;
  }

  async setBlocked(workspaceId: string, id: string, blocked: boolean, actorId: string): Promise<ContactRow> {
    await this.get(workspaceId, id);
    const c = (await this.repo.updateById(workspaceId, id, { $set: { blocked, updatedAt: new Date() } }))!;
    await this.audit.record(workspaceId, actorId, blocked ? 'contact.blocked' : 'contact.unblocked', 'contact', id);
    return c;
  }

  async setOptOut(workspaceId: string, id: string, optedOut: boolean): Promise<void> {
    await this.repo.updateById(workspaceId, id, { $set: { optedOut, updatedAt: new Date() } });
  }

  toDto(c: ContactRow): ContactDto {
    return {
      id: c._id, name: c.name, email: c.email ?? null, phone: c.phone ?? null,
      identities: c.identities.map((i): IdentityDto => ({ type: i.type as IdentityDto['type'], value: i.value, inboxId: i.inboxId ?? null })),
      attributes: (c.attributes ?? {}) as Record<string, unknown>, blocked: c.blocked, optedOut: c.optedOut,
      createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString(),
    };
  }
}

import { Injectable } from '@nestjs/common';
import type { RootFilterQuery } from 'mongoose';
import type { ConversationStatus, ConversationSummary, Page, Priority } from '@parley/contracts';
import { Database } from '@parley/persistence';
import { newId } from '@parley/platform';
import { AccessService, type Visibility } from './access.service';
import { atLeast, type Actor } from './actor';
import { AuditService } from './audit.service';
import { ContactService } from './contact.service';
import { ConversationStore } from './conversation.store';
import { DomainEvents } from './domain-events';
import { forbidden, invalid, notFound } from './errors';
import { toMessageDto, toSummary, type Conv, type Msg } from './mappers';
import { NotificationService } from './notification.service';
import { queryTerms } from './search-terms';

export interface ListQuery {
  status?: ConversationStatus; assigneeId?: string; inboxId?: string; teamId?: string; label?: string; q?: string;
  updatedSince?: Date; cursor?: string; limit?: number;
}

const encodeCursor = (c: Conv) => Buffer.from(`${new Date(c.lastActivityAt).getTime()}|${c._id}`).toString('base64url');
function decodeCursor(cursor: string): { at: Date; id: string } {
  const [ms, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!ms || !id || !Number.isFinite(Number(ms))) throw invalid('cursor is not valid', { cursor: 'use nextCursor from a previous page' });
  return { at: new Date(Number(ms)), id };
}

/** The agent-facing side of conversations: list, read, label, assign, change status. */
@Injectable()
export class ConversationService {
  constructor(
    private readonly db: Database,
    private readonly store: ConversationStore,
    private readonly access: AccessService,
    private readonly contacts: ContactService,
    private readonly notifications: NotificationService,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
  ) {}

  /** A conversation the actor may see, or 404 (never 403: existence is not revealed). */
  async visible(actor: Actor, id: string, v?: Visibility): Promise<Conv> {
    const c = await this.store.repo.findById(actor.workspaceId, id);
    if (!c || !this.access.canSee(v ?? (await this.access.visibility(actor)), c)) throw notFound('conversation');
    return c;
  }

  async list(actor: Actor, q: ListQuery): Promise<Page<ConversationSummary>> {
    const v = await this.access.visibility(actor);
    const and: RootFilterQuery<Conv>[] = [this.access.filter(v)];
    if (q.status) and.push({ status: q.status });
    if (q.assigneeId === 'me') and.push({ assigneeId: actor.userId });
    else if (q.assigneeId === 'none') and.push({ assigneeId: null });
    else if (q.assigneeId) and.push({ assigneeId: q.assigneeId });
    if (q.inboxId) and.push({ inboxId: q.inboxId });
    if (q.teamId) and.push({ teamId: q.teamId });
    if (q.label) and.push({ labels: q.label });
    const terms = q.q ? queryTerms(q.q) : [];
    if (terms.length) and.push({ terms: { $all: terms } });
    const limit = Math.min(Math.max(q.limit ?? 25, 1), 100);
    const filter: RootFilterQuery<Conv> = and.length === 1 ? and[0] : { $and: and.filter((x) => Object.keys(x).length) };

    let removed: string[] | undefined;
    const pageFilter: RootFilterQuery<Conv>[] = [filter];
    if (q.updatedSince) {
      pageFilter.push({ updatedAt: { $gt: q.updatedSince } });
      // Conversations that changed since then but no longer match: the client drops them from its view.
      const changed = await this.store.repo.find(actor.workspaceId, { updatedAt: { $gt: q.updatedSince } }, { sort: { updatedAt: -1 }, limit: 1000 });
      const matching = new Set((await this.store.repo.find(actor.workspaceId, { $and: [filter, { _id: { $in: changed.map((c) => c._id) } }] })).map((c) => c._id));
      const wasMine = (c: Conv) => !!c.pastAssigneeIds?.includes(actor.userId) || !!c.pastTeamIds?.some((t) => v.teamIds.includes(t));
      removed = changed.filter((c) => !matching.has(c._id) && (this.access.canSee(v, c) || wasMine(c))).map((c) => c._id);
    }
    if (q.cursor) {
      const { at, id } = decodeCursor(q.cursor);
      pageFilter.push({ $or: [{ lastActivityAt: { $lt: at } }, { lastActivityAt: at, _id: { $lt: id } }] });
    }
    const rows = await this.store.repo.find(actor.workspaceId, pageFilter.length === 1 ? pageFilter[0] : { $and: pageFilter }, { sort: { lastActivityAt: -1, _id: -1 }, limit: limit + 1 });
    const items = rows.slice(0, limit);
    return { items: items.map(toSummary), nextCursor: rows.length > limit ? encodeCursor(items.at(-1)!) : null, ...(removed ? { removed } : {}) };
  }

  async get(actor: Actor, id: string) {
    const c = await this.visible(actor, id);
    const contact = await this.db.contacts.findOne({ _id: c.contactId, workspaceId: actor.workspaceId }).lean().exec();
    const details = contact ? this.contacts.toDto(contact) : null;
    // The summary's `contact` grows into the full contact (identities, email, phone) here; `contactDetails` repeats it.
    const summary = toSummary(c);
    return { ...summary, contact: { ...summary.contact, ...(details ?? {}) }, contactDetails: details };
  }

  async patch(actor: Actor, id: string, patch: { labels?: string[]; priority?: Priority }): Promise<ConversationSummary> {
    const c = await this.visible(actor, id);
    const set: Record<string, unknown> = {};
    if (patch.labels) set.labels = [...new Set(patch.labels.map((l) => l.trim().toLowerCase()).filter(Boolean))];
    if (patch.priority) set.priority = patch.priority;
    return toSummary(await this.store.update(actor.workspaceId, c._id, { $set: set }, { previous: c }));
  }

  async markRead(actor: Actor, id: string): Promise<ConversationSummary> {
    const c = await this.visible(actor, id);
    const set: Record<string, unknown> = { [`readBy.${actor.userId}`]: new Date() };
    // unreadCount belongs to the assignee (or to any agent while unassigned).
    if (!c.assigneeId || c.assigneeId === actor.userId) set.unreadCount = 0;
    if (c.unreadCount === 0 && set.unreadCount === 0) {
      await this.db.conversations.updateOne({ _id: c._id, workspaceId: actor.workspaceId }, { $set: set }).exec();
      return toSummary(c);
    }
    return toSummary(await this.store.update(actor.workspaceId, c._id, { $set: set }, { previous: c }));
  }

  async assign(actor: Actor, id: string, input: { assigneeId?: string | null; teamId?: string | null }): Promise<ConversationSummary> {
    const v = await this.access.visibility(actor);
    const c = await this.visible(actor, id, v);
    const supervisor = atLeast(actor, 'supervisor');
    if (!supervisor) {
      const takingFree = input.assigneeId === actor.userId && !c.assigneeId && input.teamId === undefined;
      const releasingOwn = input.assigneeId === null && c.assigneeId === actor.userId && input.teamId === undefined;
      if (!takingFree && !releasingOwn) throw forbidden('agents may only take unassigned conversations for themselves');
    }
    const set: Record<string, unknown> = {};
    if (input.assigneeId !== undefined) {
      if (input.assigneeId) {
        const u = await this.db.users.findOne({ _id: input.assigneeId, workspaceId: actor.workspaceId }).lean().exec();
        if (!u || !u.active) throw invalid('assignee is not an active user of this workspace', { assigneeId: 'unknown or inactive user' });
        const lastRead = (c.readBy as Record<string, Date> | undefined)?.[u._id];
        set.unreadCount = await this.db.messages.countDocuments({ workspaceId: actor.workspaceId, conversationId: c._id, direction: 'in', kind: { $in: ['message', 'call'] }, ...(lastRead ? { createdAt: { $gt: lastRead } } : {}) });
      }
      set.assigneeId = input.assigneeId;
    }
    if (input.teamId !== undefined) {
      if (input.teamId && !(await this.db.teams.exists({ _id: input.teamId, workspaceId: actor.workspaceId }))) throw invalid('unknown team', { teamId: 'not found' });
      set.teamId = input.teamId;
    }
    const update: Record<string, unknown> = { $set: set };
    const past: Record<string, string> = {};
    if (c.assigneeId && input.assigneeId !== undefined && input.assigneeId !== c.assigneeId) past.pastAssigneeIds = c.assigneeId;
    if (c.teamId && input.teamId !== undefined && input.teamId !== c.teamId) past.pastTeamIds = c.teamId;
    if (Object.keys(past).length) update.$addToSet = past;
    const updated = await this.store.update(actor.workspaceId, c._id, update, { previous: c });
    if (input.assigneeId !== undefined && input.assigneeId !== c.assigneeId) {
      const name = input.assigneeId ? (await this.db.users.findById(input.assigneeId, { name: 1 }).lean().exec())?.name ?? 'someone' : null;
      await this.activity(actor, updated, input.assigneeId ? `${actor.name} assigned this conversation to ${name}` : `${actor.name} unassigned this conversation`);
      await this.audit.record(actor.workspaceId, actor.userId, 'conversation.assigned', 'conversation', c._id, { from: c.assigneeId, to: input.assigneeId });
      if (input.assigneeId && input.assigneeId !== actor.userId) await this.notifications.notify(actor.workspaceId, input.assigneeId, 'assigned', c._id);
    }
    return toSummary(updated);
  }

  async setStatus(actor: Actor, id: string, input: { status: ConversationStatus; snoozeUntil?: Date }): Promise<ConversationSummary> {
    const c = await this.visible(actor, id);
    const now = new Date();
    const set: Record<string, unknown> = { status: input.status, snoozeUntil: null, resolvedAt: null };
    if (input.status === 'snoozed') {
      if (!input.snoozeUntil || input.snoozeUntil <= now) throw invalid('snoozeUntil must be a time in the future', { snoozeUntil: 'required, in the future' });
      set.snoozeUntil = input.snoozeUntil;
    }
    if (input.status === 'resolved') Object.assign(set, { resolvedAt: now, waitingSince: null });
    if (c.status === input.status && input.status !== 'snoozed') return toSummary(c);
    const updated = await this.store.update(actor.workspaceId, c._id, { $set: set }, { previous: c });
    const words: Record<ConversationStatus, string> = { open: 'reopened', pending: 'set to pending', snoozed: `snoozed until ${input.snoozeUntil?.toISOString()}`, resolved: 'resolved' };
    await this.activity(actor, updated, `${actor.name} ${words[input.status]} this conversation`);
    return toSummary(updated);
  }

  /** Wakes snoozed conversations whose time has come (called by the worker timer). */
  async wakeSnoozed(now = new Date()): Promise<number> {
    const due = await this.db.conversations.find({ status: 'snoozed', snoozeUntil: { $lte: now } }).limit(200).lean().exec();
    for (const c of due) {
      const r = await this.db.conversations.updateOne({ _id: c._id, status: 'snoozed', snoozeUntil: c.snoozeUntil }, { $set: { status: 'open', snoozeUntil: null } }).exec();
      if (r.modifiedCount === 1) await this.store.update(c.workspaceId, c._id, { $set: {} });
    }
    return due.length;
  }

  /** The earliest snoozeUntil of any snoozed conversation (due or not), or null when none is snoozed. */
  async nextSnoozeEnd(): Promise<Date | null> {
    const c = await this.db.conversations.findOne({ status: 'snoozed', snoozeUntil: { $ne: null } }, { snoozeUntil: 1 }).sort({ snoozeUntil: 1 }).lean().exec();
    return c?.snoozeUntil ?? null;
  }

  /** Deactivated users' open work goes back to the unassigned queue. */
  async unassignAllOf(workspaceId: string, userId: string): Promise<number> {
    const convs = await this.store.repo.find(workspaceId, { assigneeId: userId, status: { $ne: 'resolved' } });
    for (const c of convs) {
      await this.store.update(workspaceId, c._id, { $set: { assigneeId: null }, $addToSet: { pastAssigneeIds: userId } }, { previous: c });
    }
    return convs.length;
  }

  private async activity(actor: Actor, c: Conv, text: string): Promise<void> {
    const id = newId();
    const now = new Date();
    const msg = {
      _id: id, workspaceId: actor.workspaceId, conversationId: c._id, inboxId: c.inboxId, direction: 'out', kind: 'activity', text,
      html: null, attachments: [], author: { type: 'system' }, status: 'sent', error: null, externalId: null, dedupeKey: `id:${id}`,
      clientId: null, mentions: [], call: null, meta: { actorId: actor.userId }, createdAt: now, updatedAt: now,
    };
    await this.db.messages.create(msg);
    this.events.emit('message.created', { workspaceId: actor.workspaceId, conversation: toSummary(c), message: toMessageDto(msg as unknown as Msg) });
  }
}

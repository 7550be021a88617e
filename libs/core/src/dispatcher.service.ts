import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { hostname } from 'node:os';
import { ChannelAdapterRegistry, ChannelSendError, type OutboundMessage } from '@parley/channel-kit';
import type { ChannelKind } from '@parley/contracts';
import { Database, type DeliveryDoc } from '@parley/persistence';
import { APP_CONFIG, LOGGER, type AppConfig, type Logger } from '@parley/platform';
import { AttachmentService } from './attachment.service';
import { DomainEvents } from './domain-events';
import { refId } from './ingest.service';
import { InboxService, type InboxRow } from './inbox.service';
import { toMessageDto, toSummary, type Msg } from './mappers';

type Delivery = DeliveryDoc & { _id: string };
const LOCK_MS = 5 * 60_000;
const CONCURRENCY = 8;

/**
 * The outbound worker: claims a queued delivery with one conditional update, hands it to the channel
 * adapter, and records the outcome. Transient failures retry with exponential backoff; after the last attempt
 * the message is `failed` with the provider's words. A delivery in flight when the process died is claimed
 * again after restart with the same deliveryId, so receivers can dedupe (at least once).
 */
@Injectable()
export class DispatcherService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly holder = `${hostname()}:${process.pid}`;
  private timer: NodeJS.Timeout | null = null;
  private running = 0;
  private kicked = false;
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly registry: ChannelAdapterRegistry,
    private readonly inboxes: InboxService,
    private readonly attachments: AttachmentService,
    private readonly events: DomainEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.workers) return;
    // Only one process runs workers (DESIGN §3): whatever was in flight belonged to a process that is gone.
    await this.db.deliveries.updateMany({ state: 'inflight' }, { $set: { state: 'pending', lockedBy: null, lockedUntil: null } }).exec();
    this.events.on('outbound.queued', () => this.kick());
    this.timer = setInterval(() => this.kick(), this.config.dispatchIntervalMs);
    this.timer.unref();
    this.kick();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running >= CONCURRENCY) { this.kicked = true; return; }
    void this.drain().catch((e: unknown) => this.log.error({ err: e }, 'dispatcher loop failed'));
  }

  private async drain(): Promise<void> {
    while (!this.stopped && this.running < CONCURRENCY) {
      const d = await this.claim();
      if (!d) break;
      this.running++;
      void this.deliver(d)
        .catch((e: unknown) => this.log.error({ err: e, deliveryId: d._id }, 'delivery crashed'))
        .finally(() => {
          this.running--;
          if (this.kicked) { this.kicked = false; this.kick(); }
        });
    }
  }

  private async claim(): Promise<Delivery | null> {
    const now = new Date();
    return this.db.deliveries.findOneAndUpdate(
      { state: 'pending', nextAttemptAt: { $lte: now } },
      { $set: { state: 'inflight', lockedBy: this.holder, lockedUntil: new Date(now.getTime() + LOCK_MS) }, $inc: { attempts: 1 } },
      { new: true, sort: { nextAttemptAt: 1 } },
    ).lean<Delivery>().exec();
  }

  private async deliver(d: Delivery): Promise<void> {
    const msg = await this.db.messages.findOne({ _id: d.messageId, workspaceId: d.workspaceId }).lean().exec();
    const inbox = await this.db.inboxes.findOne({ _id: d.inboxId, workspaceId: d.workspaceId }).lean<InboxRow>().exec();
    if (!msg || !inbox || msg.kind !== 'message' || msg.direction !== 'out' || msg.status !== 'queued') {
      // Notes, inbound messages and already-sent messages never go out (again).
      await this.db.deliveries.deleteOne({ _id: d._id }).exec();
      return;
    }
    const adapter = this.registry.get(inbox.channel as ChannelKind);
    try {
      if (!adapter) throw new ChannelSendError(`no adapter for channel ${inbox.channel}`, false);
      const result = await adapter.send({ inbox: this.inboxes.ref(inbox), config: this.inboxes.fullConfig(inbox), allowPrivateUrls: this.config.allowPrivateUrls }, await this.outbound(d, msg));
      await this.db.externalRefs.updateOne({ _id: refId(inbox._id, result.externalId) }, { $setOnInsert: { workspaceId: d.workspaceId, conversationId: d.conversationId, messageId: msg._id } }, { upsert: true }).exec();
      // A receipt may already have moved it further (fast providers); only queued becomes sent here.
      await this.finish(d, msg._id, { status: result.status ?? 'sent', externalId: result.externalId, error: null }, ['queued']);
    } catch (e) {
      const err = e instanceof ChannelSendError ? e : new ChannelSendError(e instanceof Error ? e.message : String(e), true);
      if (err.retryable && d.attempts < this.config.maxAttempts) {
        const backoff = this.config.retryBaseMs * 2 ** (d.attempts - 1) * (0.8 + Math.random() * 0.4);
        await this.db.deliveries.updateOne({ _id: d._id, lockedBy: this.holder }, { $set: { state: 'pending', nextAttemptAt: new Date(Date.now() + backoff), lastError: err.message, lockedBy: null, lockedUntil: null } }).exec();
        this.log.warn({ deliveryId: d._id, attempt: d.attempts, error: err.message }, 'delivery failed; will retry');
        return;
      }
      await this.finish(d, msg._id, { status: 'failed', error: err.message }, ['queued']);
    }
  }

  private async finish(d: Delivery, messageId: string, set: Record<string, unknown>, fromStatuses: string[]): Promise<void> {
    const m = await this.db.messages.findOneAndUpdate({ _id: messageId, workspaceId: d.workspaceId, status: { $in: fromStatuses } }, { $set: { ...set, updatedAt: new Date() } }, { new: true }).lean().exec();
    if (set.externalId && !m) await this.db.messages.updateOne({ _id: messageId, workspaceId: d.workspaceId }, { $set: { externalId: set.externalId } }).exec();
    await this.db.deliveries.deleteOne({ _id: d._id }).exec();
    if (m) {
      const conv = await this.db.conversations.findOne({ _id: d.conversationId, workspaceId: d.workspaceId }).lean().exec();
      if (conv) this.events.emit('message.updated', { workspaceId: d.workspaceId, conversation: toSummary(conv), message: toMessageDto(m as unknown as Msg) });
    }
  }

  private async outbound(d: Delivery, m: Msg): Promise<OutboundMessage> {
    const conv = await this.db.conversations.findOne({ _id: d.conversationId, workspaceId: d.workspaceId }).lean().exec();
    const contact = conv ? await this.db.contacts.findOne({ _id: conv.contactId, workspaceId: d.workspaceId }).lean().exec() : null;
    const idents = contact?.identities ?? [];
    const channelIdent = idents.find((i) => i.inboxId === d.inboxId) ?? idents.find((i) => i.type === 'phone' || i.type === 'email');
    // Threading for email-like channels: reply to the newest inbound message, reference the conversation's ids.
    const prior = await this.db.messages.find({ workspaceId: d.workspaceId, conversationId: d.conversationId, externalId: { $ne: null }, kind: 'message' }).sort({ createdAt: -1 }).limit(20).lean().exec();
    const lastIn = prior.find((p) => p.direction === 'in');
    const atts = [];
    for (const a of m.attachments ?? []) {
      const row = await this.attachments.repo.findById(d.workspaceId, a.id);
      if (row) atts.push({ id: row._id, name: row.name, contentType: row.contentType, size: row.size, path: this.attachments.filePath(row), url: `${this.config.publicUrl}${this.attachments.signedPath(row._id, 24 * 3600)}` });
    }
    return {
      id: m._id, deliveryId: d._id, conversationId: d.conversationId, text: m.text ?? '', attachments: atts, createdAt: new Date(m.createdAt).toISOString(),
      contact: { id: contact?._id ?? '', name: contact?.name ?? '', identifier: channelIdent?.value ?? null, email: contact?.email ?? null, phone: contact?.phone ?? null },
      thread: { subject: conv?.subject ?? null, inReplyTo: lastIn?.externalId ?? null, references: prior.map((p) => p.externalId!).reverse(), threadKey: `conv:${d.conversationId}` },
      author: { id: (m.author as { id?: string }).id, name: (m.author as { name?: string }).name },
    };
  }
}

import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CHANNEL_RUNTIME, INBOUND_SINK, type ChannelRuntime, type InboundSink, type ResolvedInbox } from '@parley/channel-kit';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ImapMailboxWorker, type MailboxWorkerOptions } from './imap-mailbox.worker';

export interface EmailPollerOptions extends Partial<MailboxWorkerOptions> {
  /** Identifies this process in the IMAP lease; default host:pid:random. */
  holderId?: string;
}
export const EMAIL_POLLER_OPTIONS = Symbol('EMAIL_POLLER_OPTIONS');

const DEFAULTS: MailboxWorkerOptions = {
  pollIntervalMs: 60_000,
  leaseTtlMs: 60_000,
  leaseRetryMs: 30_000,
  backoffMinMs: 1_000,
  backoffMaxMs: 5 * 60_000,
  initialLookbackDays: 7,
  maxMessageBytes: 40 * 1024 * 1024,
  connectionTimeoutMs: 30_000,
};

/** Background workers run unless PARLEY_WORKERS=false (API-only processes next to one worker process). */
export function workersEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.PARLEY_WORKERS !== 'false';
}

/**
 * Ingests mail for every email inbox: one ImapMailboxWorker per inbox, started at bootstrap and restarted when the
 * core reports an inbox change. A lease per mailbox makes sure only one process reads it, however many run.
 */
@Injectable()
export class EmailPollerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('EmailPoller');
  private readonly workers = new Map<string, ImapMailboxWorker>();
  /** Start/stop of one inbox never interleave: a change event arriving mid-start waits its turn. */
  private readonly ops = new Map<string, Promise<unknown>>();
  private readonly options: MailboxWorkerOptions;
  private unsubscribe: (() => void) | null = null;
  readonly holderId: string;

  constructor(
    @Inject(INBOUND_SINK) private readonly sink: InboundSink,
    @Inject(CHANNEL_RUNTIME) private readonly runtime: ChannelRuntime,
    @Optional() @Inject(EMAIL_POLLER_OPTIONS) options?: EmailPollerOptions,
  ) {
    const { holderId, ...rest } = options ?? {};
    this.options = { ...DEFAULTS, ...stripUndefined(rest) };
    this.holderId = holderId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!workersEnabled()) {
      this.log.log('PARLEY_WORKERS=false: not polling email inboxes in this process');
      return;
    }
    await this.startAll();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stopAll();
  }

  /** Starts every email inbox and follows inbox changes from then on. */
  async startAll(): Promise<void> {
    if (!this.unsubscribe) {
      this.unsubscribe = this.runtime.onInboxChanged((inboxId, kind) => {
        if (kind === 'email') void this.restartInbox(inboxId).catch((err: unknown) => this.log.error(`restart ${inboxId}: ${String(err)}`));
      });
    }
    const inboxes = await this.runtime.listInboxes('email');
    await Promise.all(inboxes.map((r) => this.serial(r.inbox.id, async () => this.launch(r))));
  }

  /** Starts polling one inbox (no-op if it runs already). False when it is unknown or not an email inbox. */
  startInbox(inboxId: string): Promise<boolean> {
    return this.serial(inboxId, async () => {
      if (this.workers.has(inboxId)) return true;
      const resolved = await this.runtime.getInbox(inboxId);
      if (!resolved || resolved.inbox.channel !== 'email') return false;
      this.launch(resolved);
      return true;
    });
  }

  stopInbox(inboxId: string): Promise<void> {
    return this.serial(inboxId, () => this.halt(inboxId));
  }

  /** Picks up a changed config, or stops an inbox that was removed or deactivated. */
  restartInbox(inboxId: string): Promise<boolean> {
    return this.serial(inboxId, async () => {
      await this.halt(inboxId);
      const resolved = await this.runtime.getInbox(inboxId);
      if (!resolved || resolved.inbox.channel !== 'email') return false;
      this.launch(resolved);
      return true;
    });
  }

  async stopAll(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await Promise.all([...this.workers.keys()].map((id) => this.stopInbox(id)));
  }

  isRunning(inboxId: string): boolean {
    return this.workers.has(inboxId);
  }

  /** Nudges a running inbox to look for new mail now (tests, or a "check now" button). */
  syncNow(inboxId: string): void {
    this.workers.get(inboxId)?.requestSync();
  }

  private launch(resolved: ResolvedInbox<unknown>): void {
    if (this.workers.has(resolved.inbox.id)) return;
    const worker = new ImapMailboxWorker(resolved, this.sink, this.runtime, this.holderId, this.options);
    this.workers.set(resolved.inbox.id, worker);
    worker.start();
  }

  private async halt(inboxId: string): Promise<void> {
    const worker = this.workers.get(inboxId);
    if (!worker) return;
    this.workers.delete(inboxId);
    await worker.stop();
  }

  private serial<T>(inboxId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.ops.get(inboxId) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    const settled = next.catch(() => undefined);
    this.ops.set(inboxId, settled);
    void settled.then(() => { if (this.ops.get(inboxId) === settled) this.ops.delete(inboxId); });
    return next;
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

import { Logger } from '@nestjs/common';
import type { ChannelRuntime, InboundSink, ResolvedInbox } from '@parley/channel-kit';
import type { ImapFlow } from 'imapflow';
import { validateEmailConfig, type EmailInboxConfig } from './email-config';
import { createImapClient } from './imap-client';
import { describeMailError } from './mail-errors';
import { parseInboundEmail } from './mail-parser';

/**
 * Where ingestion stands in one mailbox, stored with runtime.setState after every ingested message.
 * UIDs only mean something within one UIDVALIDITY; `horizonUid`/`since` remember where history import began so
 * a re-scan never pulls in mail older than the inbox's start.
 */
export interface ImapCheckpoint {
  uidValidity: string;
  /** Every UID ≤ lastUid has been handed to the sink successfully (or deliberately skipped as pre-horizon). */
  lastUid: number;
  /** UIDNEXT when this UIDVALIDITY was first seen: below it only mail since `since` is imported. */
  horizonUid: number;
  /** ISO date: oldest mail imported below horizonUid; null = none (only new mail). */
  since: string | null;
  /** Last time the mailbox was fully caught up: bounds a re-scan after a UIDVALIDITY change. */
  syncedAt?: string;
}

export interface MailboxWorkerOptions {
  pollIntervalMs: number;
  leaseTtlMs: number;
  leaseRetryMs: number;
  backoffMinMs: number;
  backoffMaxMs: number;
  initialLookbackDays: number;
  maxMessageBytes: number;
  connectionTimeoutMs: number;
}

export const CHECKPOINT_KEY = 'imap:INBOX';
export const LEASE_NAME = 'imap';
const DAY_MS = 24 * 3600_000;

/**
 * Keeps one inbox's INBOX in sync: takes the lease, connects, ingests everything after the checkpoint, then
 * waits in IDLE (plus a polling timer as fallback) and reconnects with backoff when the connection drops.
 */
export class ImapMailboxWorker {
  private readonly log: Logger;
  private readonly abort = new AbortController();
  private stopped = false;
  private loop: Promise<void> | null = null;
  private client: ImapFlow | null = null;
  private syncing: Promise<void> | null = null;
  private syncAgain = false;
  private syncFailures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private health: { ok: boolean; error?: string } | null = null;
  private leaseRenewedAt = 0;
  private connected = false;
  private readonly stoppedSignal: Promise<'stopped'>;
  private signalStopped: () => void = () => undefined;

  constructor(
    private readonly resolved: ResolvedInbox<unknown>,
    private readonly sink: InboundSink,
    private readonly runtime: ChannelRuntime,
    private readonly holderId: string,
    private readonly opts: MailboxWorkerOptions,
  ) {
    this.log = new Logger(`EmailPoller:${resolved.inbox.id}`);
    this.stoppedSignal = new Promise((resolve) => { this.signalStopped = () => resolve('stopped'); });
  }

  get inboxId(): string {
    return this.resolved.inbox.id;
  }

  start(): void {
    if (!this.loop) this.loop = this.run();
  }

  /** Graceful: lets the message being ingested finish and its checkpoint be written, then releases the lease. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.signalStopped();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    // LOGOUT only on an established session (it waits for the command in flight); a handshake is just cut.
    if (client && this.connected) await withTimeout(client.logout(), 3000).catch(() => client.close());
    else client?.close();
    await this.loop;
    await this.syncing?.catch(() => undefined);
    await this.runtime.releaseLease(this.resolved.inbox, LEASE_NAME, this.holderId).catch(() => undefined);
  }

  /** Asks for a sync now (new-mail notification, poll tick, retry). Coalesces while one is running. */
  requestSync(): void {
    if (this.stopped || !this.client) return;
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = (async () => {
      do {
        this.syncAgain = false;
        await this.syncOnce();
      } while (this.syncAgain && !this.stopped);
    })()
      .then(() => { this.syncFailures = 0; })
      .catch((err: unknown) => {
        // The sink (our database) or the connection failed mid-batch: the checkpoint stayed at the last
        // success, so retrying later neither loses nor duplicates anything.
        if (this.stopped) return;
        this.syncFailures++;
        this.log.warn(`sync failed (attempt ${this.syncFailures}): ${errorText(err)}`);
        this.retryTimer = setTimeout(() => this.requestSync(), backoff(this.syncFailures - 1, this.opts.backoffMinMs, this.opts.backoffMaxMs));
      })
      .finally(() => { this.syncing = null; });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let leased = false;
      try {
        leased = await this.runtime.acquireLease(this.resolved.inbox, LEASE_NAME, this.holderId, this.opts.leaseTtlMs);
      } catch (err) {
        this.log.warn(`could not take the IMAP lease: ${errorText(err)}`);
      }
      if (!leased) {
        // Another process serves this mailbox; take over if its lease lapses.
        await this.sleep(this.opts.leaseRetryMs);
        continue;
      }
      this.leaseRenewedAt = Date.now();
      const renew = setInterval(() => void this.renewLease(), Math.max(50, Math.floor(this.opts.leaseTtlMs / 3)));
      try {
        await this.session();
      } catch (err) {
        if (!this.stopped) await this.reportFailure(err);
      } finally {
        clearInterval(renew);
      }
      if (this.stopped) break;
      await this.sleep(backoff(this.attempt++, this.opts.backoffMinMs, this.opts.backoffMaxMs));
    }
  }

  /** One connection's lifetime: resolves when the connection closes, throws when it cannot be set up. */
  private async session(): Promise<void> {
    const allowPrivate = this.runtime.allowPrivateUrls();
    let config: EmailInboxConfig;
    try {
      config = validateEmailConfig(this.resolved.config, { allowPrivateUrls: allowPrivate });
    } catch (err) {
      throw new StageError('configuration', err);
    }
    const target = { protocol: 'IMAP' as const, host: config.imap.host, port: config.imap.port };
    let client: ImapFlow;
    try {
      client = await createImapClient(config.imap, allowPrivate,
        { connectionTimeout: this.opts.connectionTimeoutMs, greetingTimeout: this.opts.connectionTimeoutMs },
        (err) => this.log.debug(`connection error: ${errorText(err)}`));
    } catch (err) {
      throw new StageError('connect', err, target);
    }
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    this.client = client;
    let poll: NodeJS.Timeout | null = null;
    try {
      if (this.stopped) return;
      // imapflow's connect() may never settle once the client is closed mid-handshake: race it with stop().
      const connecting = client.connect();
      connecting.catch(() => undefined);
      try {
        const outcome = await Promise.race([connecting.then(() => 'up' as const), this.stoppedSignal]);
        if (outcome === 'stopped') return;
      } catch (err) {
        throw new StageError('connect', err, target);
      }
      this.connected = true;
      try {
        await client.mailboxOpen('INBOX', { readOnly: true });
      } catch (err) {
        throw new StageError('mailbox', err, target);
      }
      this.attempt = 0;
      await this.setHealth({ ok: true });
      client.on('exists', () => this.requestSync());
      poll = setInterval(() => this.requestSync(), this.opts.pollIntervalMs);
      this.requestSync();
      await closed;
    } finally {
      if (poll) clearInterval(poll);
      if (this.retryTimer) clearTimeout(this.retryTimer);
      await this.syncing?.catch(() => undefined);
      this.client = null;
      this.connected = false;
      client.close();
    }
  }

  private async syncOnce(): Promise<void> {
    const client = this.client;
    if (!client || !client.usable || !client.mailbox) return;
    const { inbox } = this.resolved;
    const mailbox = client.mailbox;
    const uidValidity = String(mailbox.uidValidity);
    let cp = await this.runtime.getState<ImapCheckpoint>(inbox, CHECKPOINT_KEY);
    if (!cp || cp.uidValidity !== uidValidity) {
      cp = this.freshCheckpoint(cp, uidValidity, mailbox.uidNext);
      await this.runtime.setState(inbox, CHECKPOINT_KEY, cp);
    }

    const address = (this.resolved.config as { address?: string }).address ?? '';
    const uids = await pendingUids(client, cp);
    for (const uid of uids) {
      if (this.stopped || !client.usable) return;
      if (uid >= cp.horizonUid && cp.lastUid < cp.horizonUid - 1) cp.lastUid = cp.horizonUid - 1;
      const raw = await this.download(client, uid);
      if (raw) {
        const events = await parseInboundEmail(raw.source, { inboxId: inbox.id, inboxAddress: address, receivedAt: raw.internalDate });
        for (const event of events) await this.sink.ingest(inbox.workspaceId, event);
      }
      // Only now: a crash before this line re-fetches the message, and the core dedupes it.
      cp.lastUid = uid;
      await this.runtime.setState(inbox, CHECKPOINT_KEY, cp);
    }
    const caughtUpAt = new Date();
    const stale = !cp.syncedAt || caughtUpAt.getTime() - Date.parse(cp.syncedAt) > 10 * 60_000;
    if (uids.length > 0 || cp.lastUid < cp.horizonUid - 1 || stale) {
      cp.lastUid = Math.max(cp.lastUid, cp.horizonUid - 1);
      cp.syncedAt = caughtUpAt.toISOString();
      await this.runtime.setState(inbox, CHECKPOINT_KEY, cp);
    }
  }

  /**
   * A new UIDVALIDITY means every remembered UID is void. The first time, import `initialLookbackDays` of history;
   * after a change, re-scan from shortly before the last complete sync (everything older was ingested then, and
   * the core dedupes what comes again by Message-ID).
   */
  private freshCheckpoint(previous: ImapCheckpoint | null, uidValidity: string, uidNext: number): ImapCheckpoint {
    let since: string | null;
    if (!previous) {
      since = this.opts.initialLookbackDays > 0 ? new Date(Date.now() - this.opts.initialLookbackDays * DAY_MS).toISOString() : null;
    } else {
      const lastSync = previous.syncedAt ? Date.parse(previous.syncedAt) : NaN;
      const fromLastSync = Number.isNaN(lastSync) ? null : new Date(lastSync - 2 * DAY_MS).toISOString();
      since = fromLastSync ?? previous.since ?? new Date(Date.now() - 2 * DAY_MS).toISOString();
      this.log.warn(`UIDVALIDITY changed (${previous.uidValidity} → ${uidValidity}): re-scanning mail since ${since}`);
    }
    return { uidValidity, lastUid: 0, horizonUid: uidNext, since };
  }

  private async download(client: ImapFlow, uid: number): Promise<{ source: Buffer; internalDate?: Date } | null> {
    const meta = await client.fetchOne(String(uid), { uid: true, size: true, internalDate: true }, { uid: true });
    if (!meta) return null; // expunged meanwhile
    const internalDate = meta.internalDate instanceof Date ? meta.internalDate : meta.internalDate ? new Date(meta.internalDate) : undefined;
    if ((meta.size ?? 0) > this.opts.maxMessageBytes) {
      // Too big to hold in memory: keep the headers (sender, threading) and say why the body is missing.
      const head = await client.fetchOne(String(uid), { uid: true, headers: true }, { uid: true });
      const headers = head && head.headers ? head.headers.toString('latin1').replace(/\r?\n\r?\n[\s\S]*$/, '') : '';
      const note = `This email (${Math.round((meta.size ?? 0) / 1e6)} MB) is larger than Parley accepts; open it in the mailbox.`;
      const stripped = headers.split(/\r?\n(?![ \t])/).filter((l) => !/^content-(type|transfer-encoding):/i.test(l)).join('\r\n');
      return { source: Buffer.from(`${stripped}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${note}\r\n`, 'latin1'), internalDate };
    }
    const msg = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
    if (!msg || !msg.source) return null;
    return { source: msg.source, internalDate };
  }

  private async renewLease(): Promise<void> {
    if (this.stopped) return;
    try {
      const ok = await this.runtime.acquireLease(this.resolved.inbox, LEASE_NAME, this.holderId, this.opts.leaseTtlMs);
      if (ok) {
        this.leaseRenewedAt = Date.now();
        return;
      }
      this.log.warn('lost the IMAP lease to another process: disconnecting');
    } catch (err) {
      // Keep going on a transient error, but never past the lease's end: after that another process may hold it.
      if (Date.now() - this.leaseRenewedAt < this.opts.leaseTtlMs * 0.8) return;
      this.log.warn(`could not renew the IMAP lease: ${errorText(err)}`);
    }
    this.client?.close();
  }

  private async reportFailure(err: unknown): Promise<void> {
    let error: string;
    if (err instanceof StageError) {
      if (err.stage === 'configuration') error = `configuration: ${errorText(err.cause)}`;
      else if (err.stage === 'mailbox') error = `mailbox: cannot open INBOX (${errorText(err.cause)})`;
      else error = err.target ? describeMailError(err.cause, err.target) : errorText(err.cause);
    } else {
      error = errorText(err);
    }
    this.log.warn(`IMAP: ${error}`);
    await this.setHealth({ ok: false, error });
  }

  private async setHealth(next: { ok: boolean; error?: string }): Promise<void> {
    if (this.health && this.health.ok === next.ok && this.health.error === next.error) return;
    this.health = next;
    await this.runtime.reportHealth(this.resolved.inbox, next).catch((err: unknown) => this.log.warn(`reportHealth failed: ${errorText(err)}`));
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.abort.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.abort.signal.addEventListener('abort', done, { once: true });
    });
  }
}

async function pendingUids(client: ImapFlow, cp: ImapCheckpoint): Promise<number[]> {
  const out = new Set<number>();
  const from = cp.lastUid + 1;
  if (from < cp.horizonUid && cp.since) {
    const old = await client.search({ uid: `${from}:${cp.horizonUid - 1}`, since: new Date(cp.since) }, { uid: true });
    for (const u of old || []) out.add(u);
  }
  const start = Math.max(from, cp.horizonUid, 1);
  // "n:*" always includes the highest UID even when it is below n, hence the filter.
  const fresh = await client.search({ uid: `${start}:*` }, { uid: true });
  for (const u of fresh || []) if (u >= start) out.add(u);
  return [...out].sort((a, b) => a - b);
}

class StageError extends Error {
  constructor(
    readonly stage: 'configuration' | 'connect' | 'mailbox',
    override readonly cause: unknown,
    readonly target?: { protocol: 'IMAP'; host: string; port: number },
  ) {
    super(errorText(cause));
  }
}

function backoff(attempt: number, min: number, max: number): number {
  const base = Math.min(max, min * 2 ** Math.min(attempt, 20));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

function errorText(err: unknown): string {
  if (err instanceof Error) return (err as Error & { responseText?: string }).responseText || err.message;
  return String(err);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout')), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e: unknown) => { clearTimeout(t); reject(e instanceof Error ? e : new Error(String(e))); });
  });
}

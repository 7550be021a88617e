import { Inject, Injectable } from '@nestjs/common';
import type { PresenceStatus } from '@parley/contracts';
import { PresenceRegistry, type PresenceCluster } from '@parley/core';
import { LOGGER, type Logger } from '@parley/platform';
import { AgentsHub } from './agents-hub';
import type { AgentsServerSideEvents } from './agents.types';

const HEARTBEAT_MS = 5_000;
/** A peer silent for this long has crashed: its users are offline unless connected elsewhere. */
const PEER_TIMEOUT_MS = 3 * HEARTBEAT_MS;

interface Peer { users: Set<string>; seen: number; leaving: NodeJS.Timeout | null }

const key = (workspaceId: string, userId: string) => `${workspaceId}|${userId}`;
function split(k: string): [string, string] {
  const i = k.indexOf('|');
  return [k.slice(0, i), k.slice(i + 1)];
}

/**
 * Presence across API processes. Each process tells the others (adapter serverSideEmit, through Redis)
 * which users it has connected and which status they chose, and mirrors theirs, so the synchronous
 * PresenceRegistry.statusOf (GET /users, voice routing) answers for the whole cluster. Periodic snapshots
 * heal lost messages and bring a new process up to date; a crashed peer is forgotten after a timeout.
 */
@Injectable()
export class PresenceClusterService implements PresenceCluster {
  private readonly peers = new Map<string, Peer>();
  private readonly choiceAt = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private started = false;

  constructor(private readonly hub: AgentsHub, private readonly presence: PresenceRegistry, @Inject(LOGGER) private readonly log: Logger) {}

  start(): void {
    if (!this.hub.clustered || this.started) return;
    this.started = true;
    const nsp = this.hub.nsp;
    const pid = this.hub.pid;
    nsp.on('parley:presence', (m) => {
      if (m.pid === pid) return;
      const peer = this.peer(m.pid);
      const k = key(m.workspaceId, m.userId);
      if (m.connected) peer.users.add(k);
      else peer.users.delete(k);
      this.presence.remoteChanged(m.workspaceId, m.userId);
    });
    nsp.on('parley:presence-choice', (m) => {
      if (m.pid !== pid) this.applyChoice(key(m.workspaceId, m.userId), m.status, Date.now());
    });
    nsp.on('parley:presence-drop', (m) => {
      if (m.pid === pid) return;
      for (const p of this.peers.values()) p.users.delete(key(m.workspaceId, m.userId));
      this.presence.drop(m.workspaceId, m.userId, { quiet: true });
    });
    nsp.on('parley:presence-snapshot', (m) => { if (m.pid !== pid) this.applySnapshot(m.pid, m.users, m.choices); });
    nsp.on('parley:presence-hello', (m) => { if (m.pid !== pid) this.sendSnapshot(); });
    nsp.on('parley:presence-bye', (m) => { if (m.pid !== pid) this.peerLeaving(m.pid); });
    this.presence.setCluster(this);
    this.emit('parley:presence-hello', { pid });
    // The first hello can go out before our subscription is live; ask once more shortly after.
    setTimeout(() => { if (this.started) this.emit('parley:presence-hello', { pid }); }, 1_000).unref();
    this.timer = setInterval(() => this.tick(), HEARTBEAT_MS);
    this.timer.unref();
  }

  /** Graceful shutdown: peers keep our users for a grace period (their sockets reconnect elsewhere). */
  stop(): void {
    if (!this.started) return;
    this.started = false;
    if (this.timer) clearInterval(this.timer);
    for (const p of this.peers.values()) if (p.leaving) clearTimeout(p.leaving);
    this.emit('parley:presence-bye', { pid: this.hub.pid });
  }

  // PresenceCluster
  connectedElsewhere(workspaceId: string, userId: string): boolean {
    const k = key(workspaceId, userId);
    for (const p of this.peers.values()) if (p.users.has(k)) return true;
    return false;
  }

  *connectedElsewhereIn(workspaceId: string): Iterable<string> {
    const prefix = `${workspaceId}|`;
    for (const p of this.peers.values()) for (const k of p.users) if (k.startsWith(prefix)) yield k.slice(prefix.length);
  }

  localChanged(workspaceId: string, userId: string, connected: boolean): void {
    this.emit('parley:presence', { pid: this.hub.pid, workspaceId, userId, connected });
  }

  choiceChanged(workspaceId: string, userId: string, status: PresenceStatus): void {
    this.choiceAt.set(key(workspaceId, userId), Date.now());
    this.emit('parley:presence-choice', { pid: this.hub.pid, workspaceId, userId, status });
  }

  dropped(workspaceId: string, userId: string): void {
    for (const p of this.peers.values()) p.users.delete(key(workspaceId, userId));
    this.emit('parley:presence-drop', { pid: this.hub.pid, workspaceId, userId });
  }

  private peer(pid: string): Peer {
    let p = this.peers.get(pid);
    if (!p) { p = { users: new Set(), seen: Date.now(), leaving: null }; this.peers.set(pid, p); }
    p.seen = Date.now();
    return p;
  }

  private applySnapshot(pid: string, users: string[], choices: Array<[string, PresenceStatus]>): void {
    const p = this.peer(pid);
    const next = new Set(users);
    const changed = [...p.users].filter((k) => !next.has(k)).concat(users.filter((k) => !p.users.has(k)));
    p.users = next;
    // Choices in a snapshot may be older than one we just heard; only fill in what we do not know.
    for (const [k, status] of choices) if (!this.choiceAt.has(k)) this.applyChoice(k, status, 0);
    for (const k of changed) this.presence.remoteChanged(...split(k));
  }

  private applyChoice(k: string, status: PresenceStatus, at: number): void {
    this.choiceAt.set(k, at);
    this.presence.remoteChoice(...split(k), status);
  }

  private peerLeaving(pid: string): void {
    const p = this.peers.get(pid);
    if (!p || p.leaving) return;
    p.leaving = setTimeout(() => this.forget(pid), this.presence.graceMs);
    p.leaving.unref();
  }

  /** Nobody else will report a vanished peer's users going offline, so this process announces it. */
  private forget(pid: string): void {
    const p = this.peers.get(pid);
    if (!p) return;
    if (p.leaving) clearTimeout(p.leaving);
    this.peers.delete(pid);
    for (const k of p.users) this.presence.remoteChanged(...split(k), { announce: true });
  }

  private tick(): void {
    this.sendSnapshot();
    const now = Date.now();
    for (const [pid, p] of this.peers) if (!p.leaving && now - p.seen > PEER_TIMEOUT_MS) this.forget(pid);
  }

  private sendSnapshot(): void {
    const users = this.presence.localUsers().map((u) => key(u.workspaceId, u.userId));
    const choices = this.presence.choices().map((c): [string, PresenceStatus] => [key(c.workspaceId, c.userId), c.status]);
    this.emit('parley:presence-snapshot', { pid: this.hub.pid, users, choices });
  }

  private emit<E extends keyof AgentsServerSideEvents>(event: E, payload: Parameters<AgentsServerSideEvents[E]>[0]): void {
    try {
      (this.hub.nsp.serverSideEmit as (ev: string, p: unknown) => boolean)(event, payload);
    } catch (err) {
      this.log.warn({ err, event }, 'presence: could not reach the other processes');
    }
  }
}

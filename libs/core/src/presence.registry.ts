import { Injectable } from '@nestjs/common';
import type { PresenceStatus } from '@parley/contracts';
import { DomainEvents } from './domain-events';

/**
 * How several API processes share presence (set by libs/realtime when Redis is configured). This process
 * reports its own changes through it and asks it about users connected elsewhere.
 */
export interface PresenceCluster {
  /** Is the user connected to another process (with sockets, or inside that process's grace period)? */
  connectedElsewhere(workspaceId: string, userId: string): boolean;
  /** Users of the workspace connected to other processes. */
  connectedElsewhereIn(workspaceId: string): Iterable<string>;
  localChanged(workspaceId: string, userId: string, connected: boolean): void;
  choiceChanged(workspaceId: string, userId: string, status: PresenceStatus): void;
  dropped(workspaceId: string, userId: string): void;
}

/**
 * Presence: a user is online while any socket of theirs is connected (on any process), unless they chose
 * away/busy; offline after the last socket has been gone for the grace period (a reload does not flap).
 * A change is announced ('presence.updated') by the process where it happened; the others learn it quietly
 * through the cluster, so every change reaches clients once.
 */
@Injectable()
export class PresenceRegistry {
  private readonly sockets = new Map<string, Set<string>>(); // ws|user → socket ids
  private readonly choice = new Map<string, PresenceStatus>();
  private readonly published = new Map<string, PresenceStatus>();
  private readonly graceTimers = new Map<string, NodeJS.Timeout>();
  private remote: ((workspaceId: string, userId: string) => PresenceStatus | null) | null = null;
  private cluster: PresenceCluster | null = null;
  graceMs = 5_000;

  constructor(private readonly events: DomainEvents) {}

  setRemoteLookup(fn: (workspaceId: string, userId: string) => PresenceStatus | null): void { this.remote = fn; }
  setCluster(cluster: PresenceCluster | null): void { this.cluster = cluster; }

  statusOf(workspaceId: string, userId: string): PresenceStatus {
    const s = this.compute(workspaceId, userId);
    if (s !== 'offline') return s;
    return this.remote?.(workspaceId, userId) ?? 'offline';
  }

  /** Is the user connected to this process (sockets or grace period)? */
  connectedHere(workspaceId: string, userId: string): boolean {
    const k = key(workspaceId, userId);
    return this.sockets.has(k) || this.graceTimers.has(k);
  }

  /** Users connected to this process, for a newly started peer. */
  localUsers(): Array<{ workspaceId: string; userId: string }> {
    const keys = new Set([...this.sockets.keys(), ...this.graceTimers.keys()]);
    return [...keys].map(split);
  }

  choices(): Array<{ workspaceId: string; userId: string; status: PresenceStatus }> {
    return [...this.choice].map(([k, status]) => ({ ...split(k), status }));
  }

  connected(workspaceId: string, userId: string, socketId: string): void {
    const k = key(workspaceId, userId);
    const was = this.connectedHere(workspaceId, userId);
    clearTimeout(this.graceTimers.get(k));
    this.graceTimers.delete(k);
    const set = this.sockets.get(k) ?? new Set<string>();
    set.add(socketId);
    this.sockets.set(k, set);
    if (!was) this.cluster?.localChanged(workspaceId, userId, true);
    this.refresh(workspaceId, userId, true);
  }

  disconnected(workspaceId: string, userId: string, socketId: string): void {
    const k = key(workspaceId, userId);
    const set = this.sockets.get(k);
    if (!set?.delete(socketId)) return;
    if (set.size > 0) return;
    this.sockets.delete(k);
    clearTimeout(this.graceTimers.get(k));
    this.graceTimers.set(k, setTimeout(() => {
      this.graceTimers.delete(k);
      if (this.sockets.has(k)) return;
      this.cluster?.localChanged(workspaceId, userId, false);
      this.refresh(workspaceId, userId, true);
    }, this.graceMs).unref());
  }

  /** Forget a user at once (deactivation): no grace period, on every process. */
  drop(workspaceId: string, userId: string, opts: { quiet?: boolean } = {}): void {
    const k = key(workspaceId, userId);
    this.sockets.delete(k);
    clearTimeout(this.graceTimers.get(k));
    this.graceTimers.delete(k);
    if (!opts.quiet) this.cluster?.dropped(workspaceId, userId);
    this.published.set(k, 'offline');
    if (!opts.quiet) this.events.emit('presence.updated', { workspaceId, userId, status: 'offline' });
  }

  choose(workspaceId: string, userId: string, status: PresenceStatus): void {
    const k = key(workspaceId, userId);
    const chosen: PresenceStatus = status === 'offline' ? 'away' : status;
    this.choice.set(k, chosen);
    this.cluster?.choiceChanged(workspaceId, userId, chosen);
    this.refresh(workspaceId, userId, true);
  }

  /**
   * A choice kept on the user (it outlives this process), learnt when they connect. What this process already
   * knows is newer (a choice made here or heard from a peer), so it only fills a gap, and tells no one: it is
   * not a change, only a memory.
   */
  restoreChoice(workspaceId: string, userId: string, status: PresenceStatus): void {
    const k = key(workspaceId, userId);
    if (this.choice.has(k) || status === 'online' || status === 'offline') return;
    this.choice.set(k, status);
    this.refresh(workspaceId, userId, false);
  }

  /**
   * Another process reported a change. Its process announced it already, so by default this only updates
   * what we consider published; `announce` is for changes nobody else will report (a peer that vanished).
   */
  remoteChanged(workspaceId: string, userId: string, opts: { announce?: boolean } = {}): void {
    this.refresh(workspaceId, userId, !!opts.announce);
  }

  remoteChoice(workspaceId: string, userId: string, status: PresenceStatus): void {
    this.choice.set(key(workspaceId, userId), status);
    this.refresh(workspaceId, userId, false);
  }

  onlineUserIds(workspaceId: string): string[] {
    const ids = new Set<string>();
    for (const k of [...this.sockets.keys(), ...this.graceTimers.keys()]) if (k.startsWith(`${workspaceId}|`)) ids.add(split(k).userId);
    for (const id of this.cluster?.connectedElsewhereIn(workspaceId) ?? []) ids.add(id);
    return [...ids].filter((id) => this.compute(workspaceId, id) === 'online');
  }

  private compute(workspaceId: string, userId: string): PresenceStatus {
    const connected = this.connectedHere(workspaceId, userId) || !!this.cluster?.connectedElsewhere(workspaceId, userId);
    return connected ? this.choice.get(key(workspaceId, userId)) ?? 'online' : 'offline';
  }

  private refresh(workspaceId: string, userId: string, announce: boolean): void {
    const k = key(workspaceId, userId);
    const status = this.compute(workspaceId, userId);
    if ((this.published.get(k) ?? 'offline') === status) return;
    this.published.set(k, status);
    if (announce) this.events.emit('presence.updated', { workspaceId, userId, status });
  }
}

const key = (workspaceId: string, userId: string) => `${workspaceId}|${userId}`;
function split(k: string): { workspaceId: string; userId: string } {
  const i = k.indexOf('|');
  return { workspaceId: k.slice(0, i), userId: k.slice(i + 1) };
}

import { Injectable } from '@nestjs/common';
import type { PresenceStatus } from '@parley/contracts';
import { DomainEvents } from './domain-events';

/**
 * Presence as seen by this process's sockets, with an optional shared view from other processes (set by
 * libs/realtime when Redis is configured). A user is online while any socket is connected, unless they
 * chose away/busy; offline after the last socket has been gone for the grace period.
 */
@Injectable()
export class PresenceRegistry {
  private readonly sockets = new Map<string, Set<string>>(); // ws|user → socket ids
  private readonly choice = new Map<string, PresenceStatus>();
  private readonly published = new Map<string, PresenceStatus>();
  private readonly graceTimers = new Map<string, NodeJS.Timeout>();
  private remote: ((workspaceId: string, userId: string) => PresenceStatus | null) | null = null;
  graceMs = 5_000;

  constructor(private readonly events: DomainEvents) {}

  setRemoteLookup(fn: (workspaceId: string, userId: string) => PresenceStatus | null): void { this.remote = fn; }

  statusOf(workspaceId: string, userId: string): PresenceStatus {
    const k = `${workspaceId}|${userId}`;
    const local = this.published.get(k);
    if (local && local !== 'offline') return local;
    return this.remote?.(workspaceId, userId) ?? local ?? 'offline';
  }

  connected(workspaceId: string, userId: string, socketId: string): void {
    const k = `${workspaceId}|${userId}`;
    clearTimeout(this.graceTimers.get(k));
    this.graceTimers.delete(k);
    const set = this.sockets.get(k) ?? new Set<string>();
    set.add(socketId);
    this.sockets.set(k, set);
    this.publish(workspaceId, userId, this.choice.get(k) ?? 'online');
  }

  disconnected(workspaceId: string, userId: string, socketId: string): void {
    const k = `${workspaceId}|${userId}`;
    const set = this.sockets.get(k);
    set?.delete(socketId);
    if (set && set.size > 0) return;
    this.sockets.delete(k);
    clearTimeout(this.graceTimers.get(k));
    this.graceTimers.set(k, setTimeout(() => {
      this.graceTimers.delete(k);
      if (!this.sockets.has(k)) this.publish(workspaceId, userId, 'offline');
    }, this.graceMs).unref());
  }

  /** Forget a user at once (deactivation): no grace period. */
  drop(workspaceId: string, userId: string): void {
    const k = `${workspaceId}|${userId}`;
    this.sockets.delete(k);
    clearTimeout(this.graceTimers.get(k));
    this.publish(workspaceId, userId, 'offline');
  }

  choose(workspaceId: string, userId: string, status: PresenceStatus): void {
    const k = `${workspaceId}|${userId}`;
    this.choice.set(k, status === 'offline' ? 'away' : status);
    if (this.sockets.has(k)) this.publish(workspaceId, userId, this.choice.get(k)!);
  }

  onlineUserIds(workspaceId: string): string[] {
    const out: string[] = [];
    for (const [k, s] of this.published) if (s === 'online' && k.startsWith(`${workspaceId}|`)) out.push(k.slice(workspaceId.length + 1));
    return out;
  }

  private publish(workspaceId: string, userId: string, status: PresenceStatus): void {
    const k = `${workspaceId}|${userId}`;
    if (this.published.get(k) === status) return;
    this.published.set(k, status);
    this.events.emit('presence.updated', { workspaceId, userId, status });
  }
}

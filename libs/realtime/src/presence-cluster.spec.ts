import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DomainEvents, PresenceRegistry } from '@parley/core';
import type { AppConfig, Logger } from '@parley/platform';
import { AgentsHub } from './agents-hub';
import type { AgentsNamespace } from './agents.types';
import { PresenceClusterService } from './presence-cluster.service';

type Handler = (payload: unknown) => void;

/** serverSideEmit between in-process "API processes": delivered to every other node, asynchronously. */
class Bus {
  readonly nodes: FakeNamespace[] = [];
  up = true;
}
class FakeNamespace {
  readonly handlers = new Map<string, Handler[]>();
  constructor(private readonly bus: Bus) { bus.nodes.push(this); }
  on(event: string, fn: Handler): this { this.handlers.set(event, [...(this.handlers.get(event) ?? []), fn]); return this; }
  serverSideEmit(event: string, payload: unknown): boolean {
    if (!this.bus.up) return true;
    for (const n of this.bus.nodes) if (n !== this) queueMicrotask(() => { for (const h of n.handlers.get(event) ?? []) h(payload); });
    return true;
  }
}

const log = { warn: () => undefined, info: () => undefined, error: () => undefined } as unknown as Logger;

function node(bus: Bus) {
  const events = new DomainEvents();
  const announced: Array<{ userId: string; status: string }> = [];
  events.on('presence.updated', ({ userId, status }) => { announced.push({ userId, status }); });
  const presence = new PresenceRegistry(events);
  const hub = new AgentsHub({ redisUrl: 'redis://fake' } as AppConfig);
  hub.attach(new FakeNamespace(bus) as unknown as AgentsNamespace);
  const cluster = new PresenceClusterService(hub, presence, log);
  cluster.start();
  return { presence, cluster, announced };
}

const settle = async () => { for (let i = 0; i < 5; i++) await Promise.resolve(); };

describe('presence across processes', () => {
  let bus: Bus;
  let p1: ReturnType<typeof node>;
  let p2: ReturnType<typeof node>;
  beforeEach(async () => {
    vi.useFakeTimers();
    bus = new Bus();
    p1 = node(bus);
    p2 = node(bus);
    await settle();
  });
  afterEach(() => {
    p1.cluster.stop();
    p2.cluster.stop();
    vi.useRealTimers();
  });

  it('a user connected to one process is online on both, announced once', async () => {
    p1.presence.connected('ws', 'u1', 's1');
    await settle();
    expect(p1.presence.statusOf('ws', 'u1')).toBe('online');
    expect(p2.presence.statusOf('ws', 'u1')).toBe('online');
    expect(p2.presence.onlineUserIds('ws')).toEqual(['u1']);
    expect([...p1.announced, ...p2.announced]).toEqual([{ userId: 'u1', status: 'online' }]);
  });

  it('stays online while a socket remains on either process; offline once, after the grace period', async () => {
    p1.presence.connected('ws', 'u1', 's1');
    await settle(); // (two first sockets in the same instant on two processes may both announce 'online')
    p2.presence.connected('ws', 'u1', 's2');
    await settle();
    p1.presence.disconnected('ws', 'u1', 's1');
    await vi.advanceTimersByTimeAsync(p1.presence.graceMs + 100);
    expect(p2.presence.statusOf('ws', 'u1')).toBe('online');
    expect(p1.presence.statusOf('ws', 'u1')).toBe('online');
    p2.presence.disconnected('ws', 'u1', 's2');
    await vi.advanceTimersByTimeAsync(p2.presence.graceMs - 100);
    expect(p1.presence.statusOf('ws', 'u1')).toBe('online'); // still within the grace period
    await vi.advanceTimersByTimeAsync(200);
    expect(p1.presence.statusOf('ws', 'u1')).toBe('offline');
    expect(p2.presence.statusOf('ws', 'u1')).toBe('offline');
    const all = [...p1.announced, ...p2.announced];
    expect(all.filter((a) => a.status === 'offline')).toHaveLength(1);
    expect(all.filter((a) => a.status === 'online')).toHaveLength(1);
  });

  it('a reload onto the other process does not flap', async () => {
    p1.presence.connected('ws', 'u1', 's1');
    await settle();
    p1.presence.disconnected('ws', 'u1', 's1');
    await vi.advanceTimersByTimeAsync(500);
    p2.presence.connected('ws', 'u1', 's2');
    await vi.advanceTimersByTimeAsync(p1.presence.graceMs + 100);
    expect(p1.presence.statusOf('ws', 'u1')).toBe('online');
    expect([...p1.announced, ...p2.announced].map((a) => a.status)).toEqual(['online']);
  });

  it('a chosen status holds on every process', async () => {
    p1.presence.connected('ws', 'u1', 's1');
    p2.presence.connected('ws', 'u1', 's2');
    await settle();
    p2.presence.choose('ws', 'u1', 'busy');
    await settle();
    expect(p1.presence.statusOf('ws', 'u1')).toBe('busy');
    expect(p2.presence.statusOf('ws', 'u1')).toBe('busy');
    expect([...p1.announced, ...p2.announced].filter((a) => a.status === 'busy')).toHaveLength(1);
  });

  it('a new process learns the others\' users and choices', async () => {
    p1.presence.connected('ws', 'u1', 's1');
    p1.presence.choose('ws', 'u1', 'away');
    await settle();
    const p3 = node(bus);
    await settle();
    expect(p3.presence.statusOf('ws', 'u1')).toBe('away');
    expect(p3.announced).toEqual([]);
    p3.cluster.stop();
  });

  it('forgets a crashed process\'s users after a timeout, and a stopped one\'s after the grace period', async () => {
    p1.presence.connected('ws', 'u1', 's1');
    await settle();
    expect(p2.presence.statusOf('ws', 'u1')).toBe('online');
    p1.cluster.stop(); // says goodbye
    await settle();
    await vi.advanceTimersByTimeAsync(p2.presence.graceMs + 100);
    expect(p2.presence.statusOf('ws', 'u1')).toBe('offline');
    expect(p2.announced.at(-1)).toEqual({ userId: 'u1', status: 'offline' });

    const p3 = node(bus);
    p3.presence.connected('ws', 'u3', 's3');
    await settle();
    expect(p2.presence.statusOf('ws', 'u3')).toBe('online');
    bus.up = false; // p3 crashes: no goodbye, no more heartbeats
    await vi.advanceTimersByTimeAsync(20_000);
    expect(p2.presence.statusOf('ws', 'u3')).toBe('offline');
    p3.cluster.stop();
  });

  it('deactivation drops the user everywhere at once', async () => {
    p1.presence.connected('ws', 'u1', 's1');
    p2.presence.connected('ws', 'u1', 's2');
    await settle();
    p1.presence.drop('ws', 'u1');
    await settle();
    expect(p1.presence.statusOf('ws', 'u1')).toBe('offline');
    expect(p2.presence.statusOf('ws', 'u1')).toBe('offline');
    expect([...p1.announced, ...p2.announced].filter((a) => a.status === 'offline')).toHaveLength(1);
  });
});

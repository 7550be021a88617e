import { io, type Socket } from 'socket.io-client';
import { waitFor } from '../fixtures/hub';

export interface Received { event: string; payload: any; at: number }

/** An `/agents` client that records every event it gets, in order. */
export interface AgentClient {
  socket: Socket;
  events: Received[];
  /** Events named `event` (optionally matching `where`). */
  of(event: string, where?: (p: any) => boolean): any[];
  /** Waits for the first event named `event` matching `where` received after `since` (an index in `events`). */
  next(event: string, where?: (p: any) => boolean, opts?: { since?: number; timeoutMs?: number }): Promise<any>;
  /** Emits with an ack and resolves with the ack. */
  call(event: string, payload: unknown): Promise<any>;
  close(): void;
}

export function agentClient(url: string, token: string | undefined, opts: { reconnectionDelay?: number; autoConnect?: boolean } = {}): AgentClient {
  const socket = io(`${url}/agents`, {
    auth: token === undefined ? {} : { token }, transports: ['websocket'], forceNew: true,
    reconnectionDelay: opts.reconnectionDelay ?? 300, reconnectionDelayMax: opts.reconnectionDelay ?? 300, randomizationFactor: 0,
    autoConnect: opts.autoConnect ?? true,
  });
  const events: Received[] = [];
  socket.onAny((event: string, payload: unknown) => { events.push({ event, payload, at: Date.now() }); });
  const of = (event: string, where: (p: any) => boolean = () => true) => events.filter((e) => e.event === event && where(e.payload)).map((e) => e.payload);
  return {
    socket, events, of,
    next: (event, where = () => true, o = {}) => waitFor(
      () => events.slice(o.since ?? 0).find((e) => e.event === event && where(e.payload))?.payload, o.timeoutMs ?? 10_000, `${event} on ${socket.id ?? 'socket'}`),
    call: (event, payload) => socket.timeout(10_000).emitWithAck(event, payload),
    close: () => { socket.disconnect(); },
  };
}

export async function connected(c: AgentClient): Promise<AgentClient> {
  if (c.socket.connected) return c;
  await new Promise<void>((resolve, reject) => {
    c.socket.once('connect', () => resolve());
    c.socket.once('connect_error', (e) => reject(e));
  });
  return c;
}

export async function connect(url: string, token: string, opts?: { reconnectionDelay?: number }): Promise<AgentClient> {
  return connected(agentClient(url, token, opts));
}

/** Resolves with the connect_error a refused client gets. */
export function refusal(url: string, auth: Record<string, unknown>): Promise<Error & { data?: { code?: string; message?: string } }> {
  const socket = io(`${url}/agents`, { auth, transports: ['websocket'], forceNew: true, reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => { socket.disconnect(); reject(new Error('connected with a bad token')); });
    socket.once('connect_error', (e) => { socket.disconnect(); resolve(e as Error & { data?: { code?: string } }); });
  });
}

let flip = 0;
/**
 * A barrier for "received nothing else": the control client changes its presence and every client in the
 * workspace waits for that presence.updated. The server writes to each socket in order, so anything it sent
 * a socket before the barrier has arrived once the barrier has. Call it after the positive receivers got the
 * last event of interest (one emit reaches all its rooms together).
 */
export async function barrier(control: AgentClient, controlUserId: string, clients: AgentClient[]): Promise<void> {
  const status = flip++ % 2 === 0 ? 'busy' : 'away';
  const marks = clients.map((c) => c.events.length);
  const ack = await control.call('presence.set', { status });
  if (!ack?.ok) throw new Error(`presence.set failed: ${JSON.stringify(ack)}`);
  await Promise.all(clients.map((c, i) => c.next('presence.updated', (p) => p.userId === controlUserId && p.status === status, { since: marks[i] })));
}

/**
 * Drops the client's transport (not a clean disconnect, so connection state recovery applies), runs `whileAway`
 * while it is gone, and resolves once it is connected again.
 */
export async function dropTransport<T>(c: AgentClient, whileAway: () => Promise<T>): Promise<T> {
  const back = new Promise<void>((resolve) => c.socket.io.once('reconnect', () => resolve()));
  const gone = new Promise<void>((resolve) => c.socket.once('disconnect', () => resolve()));
  c.socket.io.reconnectionDelay(1_500);
  c.socket.io.reconnectionDelayMax(1_500);
  c.socket.io.engine.close();
  await gone;
  const result = await whileAway();
  await back;
  await waitFor(() => c.socket.connected, 5_000, 'reconnected');
  return result;
}

// The one `/agents` Socket.IO connection: typed event fan-out, connection state for the banner, re-watching
// rooms and resync hooks after reconnects.
import { io, type Socket } from 'socket.io-client';
import { writable, get } from 'svelte/store';
import type { AgentClientEvents, AgentServerEvents } from '@parley/contracts';

export type ConnState = 'idle' | 'connecting' | 'connected' | 'reconnecting';
export interface Connection {
  state: ConnState;
  /** at least one successful connect in this session (so a drop deserves a banner) */
  everConnected: boolean;
  /** last connect_error message, for the banner tooltip */
  lastError: string | null;
}

export const connection = writable<Connection>({ state: 'idle', everConnected: false, lastError: null });

type ServerEvent = keyof AgentServerEvents;
type Payload<E extends ServerEvent> = Parameters<AgentServerEvents[E]>[0];
type Handler<E extends ServerEvent> = (p: Payload<E>) => void;

const handlers = new Map<string, Set<(p: unknown) => void>>();
const watching = new Set<string>();
/** watch/unwatch asked for while offline: a recovered session still needs them sent */
const pendingWatch = new Set<string>();
const pendingUnwatch = new Set<string>();
let socket: Socket<AgentServerEvents, AgentClientEvents> | null = null;
let retryTimer: ReturnType<typeof setTimeout> | null = null;

export interface SocketHooks {
  /** after a reconnect; `recovered` false means events may have been missed: resync */
  onReconnect(recovered: boolean): void;
  /** the server refused us (bad/revoked token, or a server-side kick); decide whether to retry */
  onRefused(code: string | null): Promise<boolean>;
}

/** Subscribe to a server event for as long as the caller lives; returns the unsubscribe function. */
export function on<E extends ServerEvent>(event: E, fn: Handler<E>): () => void {
  let set = handlers.get(event);
  if (!set) handlers.set(event, (set = new Set()));
  set.add(fn as (p: unknown) => void);
  return () => set.delete(fn as (p: unknown) => void);
}

function dispatch(event: string, payload: unknown): void {
  const set = handlers.get(event);
  if (!set) return;
  for (const fn of [...set]) {
    try {
      fn(payload);
    } catch (e) {
      console.error(`[socket] handler for ${event} failed`, e);
    }
  }
}

function setState(patch: Partial<Connection>): void {
  connection.update((c) => ({ ...c, ...patch }));
  // visible to end-to-end tests and to support staff inspecting the page
  if (typeof document !== 'undefined') document.documentElement.dataset.live = get(connection).state;
}

export function connect(token: string, hooks: SocketHooks): void {
  disconnect();
  const s: Socket<AgentServerEvents, AgentClientEvents> = io('/agents', {
    auth: { token },
    reconnectionDelay: 1000,
    reconnectionDelayMax: 10_000,
  });
  socket = s;
  setState({ state: 'connecting', everConnected: false, lastError: null });

  s.onAny((event: string, payload: unknown) => dispatch(event, payload));

  s.on('connect', () => {
    const first = !get(connection).everConnected;
    setState({ state: 'connected', everConnected: true, lastError: null });
    // Rooms survive only a recovered session; otherwise join them again. Changes made while offline are
    // sent either way.
    for (const id of s.recovered ? pendingWatch : watching) s.emit('conversation.watch', { conversationId: id }, () => {});
    if (s.recovered) for (const id of pendingUnwatch) s.emit('conversation.unwatch', { conversationId: id }, () => {});
    pendingWatch.clear();
    pendingUnwatch.clear();
    if (!first) hooks.onReconnect(s.recovered);
  });

  s.on('disconnect', (reason) => {
    setState({ state: 'reconnecting' });
    // A server-side disconnect is not retried by the client: find out why (revoked token?) and retry.
    if (reason === 'io server disconnect') void refused(s, hooks, 'server_disconnect');
  });

  s.on('connect_error', (err: Error & { data?: { code?: string } }) => {
    setState({ state: get(connection).everConnected ? 'reconnecting' : 'connecting', lastError: err.message });
    if (!s.active) void refused(s, hooks, err.data?.code ?? null);
  });
}

async function refused(s: Socket, hooks: SocketHooks, code: string | null): Promise<void> {
  const retry = await hooks.onRefused(code);
  if (!retry || socket !== s) return;
  if (retryTimer) clearTimeout(retryTimer);
  retryTimer = setTimeout(() => { if (socket === s && !s.connected) s.connect(); }, 3000);
}

export function disconnect(): void {
  if (retryTimer) clearTimeout(retryTimer);
  retryTimer = null;
  socket?.removeAllListeners();
  socket?.offAny();
  socket?.disconnect();
  socket = null;
  watching.clear();
  pendingWatch.clear();
  pendingUnwatch.clear();
  setState({ state: 'idle', everConnected: false, lastError: null });
}

type ClientEvent = keyof AgentClientEvents;
type ClientPayload<E extends ClientEvent> = Parameters<AgentClientEvents[E]>[0];
export type AckResult = { ok: true } | { ok: false; error: string };

/** Emit with an acknowledgement; resolves `{ok:false}` on timeout or when offline instead of throwing. */
export function emit<E extends ClientEvent>(event: E, payload: ClientPayload<E>, timeoutMs = 5000): Promise<AckResult> {
  const s = socket;
  if (!s?.connected) return Promise.resolve({ ok: false, error: 'offline' });
  return new Promise((resolve) => {
    // Typed emit with ack across a generic event name needs a cast; the payload type is still checked above.
    (s.timeout(timeoutMs) as unknown as { emit(e: string, p: unknown, cb: (err: Error | null, res?: AckResult) => void): void })
      .emit(event, payload, (err, res) => resolve(err ? { ok: false, error: 'timeout' } : (res ?? { ok: true })));
  });
}

export function watch(conversationId: string): void {
  watching.add(conversationId);
  pendingUnwatch.delete(conversationId);
  if (socket?.connected) void emit('conversation.watch', { conversationId });
  else pendingWatch.add(conversationId);
}

export function unwatch(conversationId: string): void {
  watching.delete(conversationId);
  pendingWatch.delete(conversationId);
  if (socket?.connected) void emit('conversation.unwatch', { conversationId });
  else pendingUnwatch.add(conversationId);
}

export function isConnected(): boolean {
  return !!socket?.connected;
}

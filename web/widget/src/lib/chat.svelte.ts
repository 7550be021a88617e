import { io, type Socket } from 'socket.io-client';
import { mergeMessages } from './format';
import type { Ack, Identity, SessionPayload, UiMessage, WidgetConfig, WidgetMessage } from './types';

export interface ChatOptions { hub: string; widgetToken: string; identity: Identity | null }

type Phase = 'idle' | 'connecting' | 'ready' | 'reconnecting' | 'refused';
const TYPING_IDLE_MS = 3_000;
const AGENT_TYPING_TTL_MS = 8_000;
const SEND_TIMEOUT_MS = 15_000;

function newClientId(): string {
  const a = new Uint8Array(12);
  crypto.getRandomValues(a);
  return Array.from(a, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** localStorage can be blocked (privacy modes, sandboxed frames): the widget still works, just forgets on reload. */
const store = {
  get(key: string): string | null { try { return localStorage.getItem(key); } catch { return null; } },
  set(key: string, value: string): void { try { localStorage.setItem(key, value); } catch { /* not persisted */ } },
  remove(key: string): void { try { localStorage.removeItem(key); } catch { /* nothing to remove */ } },
};

/**
 * The widget's connection to the hub and everything on screen that follows from it. The socket connects
 * at once for a returning visitor (so replies and the unread badge arrive while the panel is closed), and on
 * first open for a new one.
 */
export class Chat {
  phase = $state<Phase>('idle');
  config = $state<WidgetConfig | null>(null);
  online = $state(true);
  messages = $state<UiMessage[]>([]);
  conversationId = $state<string | null>(null);
  contact = $state<{ name: string | null; email: string | null } | null>(null);
  agentTyping = $state<string | null>(null);
  unread = $state(0);
  isOpen = $state(false);
  refusal = $state<string | null>(null);

  private socket: Socket | null = null;
  private typingSent = false;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private agentTypingTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly storageKey: string;

  constructor(private readonly opts: ChatOptions) {
    this.storageKey = `parley.visitor.${opts.widgetToken}`;
  }

  get visitorToken(): string | null {
    const t = store.get(this.storageKey);
    // A signed-in visitor's token is only good with their identity: never reuse it anonymously.
    if (t?.startsWith('vt_i.') && !this.opts.identity) { store.remove(this.storageKey); return null; }
    return t;
  }

  /** Launcher data before any socket: colours, greeting, whether someone is online. False = do not show. */
  async loadConfig(): Promise<boolean> {
    try {
      const r = await fetch(`${this.opts.hub}/widget/config?token=${encodeURIComponent(this.opts.widgetToken)}`, { credentials: 'omit' });
      if (!r.ok) return false;
      const body = (await r.json()) as { config: WidgetConfig; online: boolean };
      this.config = body.config;
      this.online = body.online;
      return true;
    } catch {
      return false;
    }
  }

  connect(): void {
    if (this.socket) return;
    this.phase = 'connecting';
    const socket = io(`${this.opts.hub}/widget`, {
      // A function, so a reconnect sends the visitor token the first session gave us.
      auth: (cb) => cb({
        widgetToken: this.opts.widgetToken,
        visitorToken: this.visitorToken ?? undefined,
        identity: this.opts.identity ?? undefined,
        pageUrl: location.href.slice(0, 2000),
      }),
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      withCredentials: false,
    });
    this.socket = socket;
    socket.on('session', (s: SessionPayload) => this.onSession(s));
    socket.on('message.created', (p: { message: WidgetMessage }, ack?: unknown) => {
      this.receive(p.message, true);
      // Tells the hub this tab has it (the agent sees "delivered"). With connection state recovery a
      // broadcast's last argument can be its offset string, hence the type check.
      if (typeof ack === 'function') (ack as (r: { ok: true }) => void)({ ok: true });
    });
    socket.on('message.updated', (p: { message: WidgetMessage }) => this.receive(p.message, false));
    socket.on('typing', (p: { isTyping: boolean; who?: { name?: string } }) => this.onAgentTyping(p));
    socket.on('availability', (p: { online: boolean }) => { this.online = !!p.online; });
    socket.on('disconnect', () => { if (this.phase === 'ready') this.phase = 'reconnecting'; });
    socket.on('connect', () => { if (socket.recovered) this.phase = 'ready'; });
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      // A refusal by the hub (unknown token, origin, identity) does not heal by retrying.
      if (err.data?.code) {
        this.phase = 'refused';
        this.refusal = err.data.code;
        console.warn(`[parley] chat widget refused: ${err.data.code}`);
      } else if (this.phase === 'ready') this.phase = 'reconnecting';
    });
  }

  private onSession(s: SessionPayload): void {
    store.set(this.storageKey, s.visitorToken);
    if (s.config) this.config = s.config;
    if (typeof s.online === 'boolean') this.online = s.online;
    this.contact = s.contact ?? null;
    this.conversationId = s.conversationId;
    // Our unsent messages survive a reconnect; everything else comes from the hub.
    this.messages = mergeMessages(this.messages.filter((m) => m.local), s.messages);
    this.phase = 'ready';
    for (const m of this.messages) if (m.local === 'sending') void this.deliver(m);
  }

  private receive(m: WidgetMessage, isNew: boolean): void {
    const known = this.messages.some((x) => x.id === m.id);
    this.messages = mergeMessages(this.messages, [m]);
    if (m.conversationId) this.conversationId = m.conversationId;
    if (m.direction === 'out') {
      this.agentTyping = null;
      if (isNew && !known && (!this.isOpen || document.hidden)) this.unread += 1;
    }
  }

  private onAgentTyping(p: { isTyping: boolean; who?: { name?: string } }): void {
    clearTimeout(this.agentTypingTimer);
    if (!p.isTyping) { this.agentTyping = null; return; }
    this.agentTyping = p.who?.name ?? '';
    // A lost "stopped typing" must not leave the dots forever.
    this.agentTypingTimer = setTimeout(() => { this.agentTyping = null; }, AGENT_TYPING_TTL_MS);
  }

  open(): void {
    this.isOpen = true;
    this.unread = 0;
    this.connect();
  }

  close(): void {
    this.isOpen = false;
    this.stopTyping();
  }

  /** Called on every keystroke in the composer: one "typing" on start, one "stopped" after a pause. */
  typing(): void {
    if (!this.socket?.connected) return;
    if (!this.typingSent) { this.typingSent = true; this.socket.emit('typing', { isTyping: true }); }
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  stopTyping(): void {
    clearTimeout(this.typingTimer);
    if (this.typingSent && this.socket?.connected) this.socket.emit('typing', { isTyping: false });
    this.typingSent = false;
  }

  send(text: string, attachments: Array<{ id: string; name: string; contentType: string; size: number }>): void {
    this.stopTyping();
    const clientId = newClientId();
    const m: UiMessage = {
      id: `local:${clientId}`, clientId, conversationId: this.conversationId ?? '', direction: 'in', kind: 'message', text,
      attachments: attachments.map((a) => ({ ...a, url: '' })), attachmentIds: attachments.map((a) => a.id),
      author: { type: 'contact' }, status: 'received', createdAt: new Date().toISOString(), local: 'sending',
    };
    this.messages = [...this.messages, m];
    void this.deliver(m);
  }

  retry(clientId: string): void {
    const m = this.messages.find((x) => x.clientId === clientId && x.local === 'failed');
    if (!m) return;
    this.setLocal(clientId, { local: 'sending', error: undefined });
    void this.deliver(m);
  }

  /** Sends (or re-sends, with the same clientId, which the hub dedupes) one of our pending messages. */
  private async deliver(m: UiMessage): Promise<void> {
    const socket = this.socket;
    if (!socket?.connected) return; // sent again from onSession after the reconnect
    try {
      const ack = (await socket.timeout(SEND_TIMEOUT_MS).emitWithAck('message.send', {
        text: m.text || undefined, attachmentIds: m.attachmentIds?.length ? m.attachmentIds : undefined, clientId: m.clientId,
      })) as Ack<{ message: WidgetMessage }>;
      if (ack.ok) this.receive(ack.message, false);
      else this.setLocal(m.clientId!, { local: 'failed', error: ack.error });
    } catch {
      this.setLocal(m.clientId!, { local: 'failed' });
    }
  }

  private setLocal(clientId: string, patch: Partial<UiMessage>): void {
    this.messages = this.messages.map((x) => (x.local && x.clientId === clientId ? { ...x, ...patch } : x));
  }

  /** The pre-chat form and the away state's "leave your email". */
  async prechat(details: { name?: string; email?: string }): Promise<Ack<object>> {
    this.connect();
    const socket = this.socket!;
    try {
      const ack = (await socket.timeout(SEND_TIMEOUT_MS).emitWithAck('prechat', details)) as Ack<object>;
      if (ack.ok) this.contact = { name: details.name ?? this.contact?.name ?? null, email: details.email ?? this.contact?.email ?? null };
      return ack;
    } catch {
      return { ok: false, error: 'timeout' };
    }
  }

  /** A first-time visitor has no token until the first session arrives (e.g. attaching right after opening). */
  private async whenReady(timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (this.phase !== 'ready' && this.phase !== 'refused' && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  }

  async upload(file: File): Promise<{ id: string; name: string; contentType: string; size: number }> {
    this.connect();
    if (!this.visitorToken) await this.whenReady();
    const token = this.visitorToken;
    if (!token) throw new Error('not connected');
    const form = new FormData();
    form.append('file', file, file.name);
    const r = await fetch(`${this.opts.hub}/widget/uploads`, {
      method: 'POST', body: form, credentials: 'omit',
      headers: { 'X-Widget-Token': this.opts.widgetToken, 'X-Visitor-Token': token },
    });
    const body = (await r.json().catch(() => ({}))) as { id?: string; name?: string; contentType?: string; size?: number; message?: string };
    if (!r.ok || !body.id) throw new Error(body.message ?? `upload failed (${r.status})`);
    return { id: body.id, name: body.name ?? file.name, contentType: body.contentType ?? file.type, size: body.size ?? file.size };
  }

  fileUrl(url: string): string {
    return url.startsWith('/') ? `${this.opts.hub}${url}` : url;
  }
}

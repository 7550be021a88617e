import { Logger } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayInit } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { publicWidgetConfig } from './webchat-config';
import { VisitorAdmission, VisitorRefusal } from './visitor-admission.service';
import { VisitorConversationService, type VisitorAck, type VisitorSession } from './visitor-conversation.service';
import type { VisitorMessage } from './visitor-message.mapper';
import { WidgetDirectory } from './widget-directory.service';
import { WidgetRooms } from './widget-rooms';

interface Pending { messages: VisitorMessage[]; online: boolean; config: ReturnType<typeof publicWidgetConfig> }
type SocketData = { visitor?: VisitorSession; pending?: Pending };

const pageUrlOf = (v: unknown): string | null => {
  if (typeof v !== 'string' || v.length > 2000) return null;
  try { const u = new URL(v); return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null; } catch { return null; }
};

/**
 * The `/widget` namespace (CONTRACT.md). Everything that can refuse a visitor runs in the namespace middleware,
 * so a refused visitor gets `connect_error` with `data.code` and never a connection; everything a connection
 * needs is loaded there too, so the first events after connect never race a half-built session.
 */
@WebSocketGateway({ namespace: '/widget', cors: { origin: true, credentials: false } })
export class WidgetGateway implements OnGatewayInit<Namespace> {
  private readonly log = new Logger('WidgetGateway');

  constructor(
    private readonly admission: VisitorAdmission,
    private readonly visitors: VisitorConversationService,
    private readonly directory: WidgetDirectory,
    private readonly rooms: WidgetRooms,
  ) {}

  afterInit(nsp: Namespace): void {
    this.rooms.attach(nsp);
    nsp.use((socket, next) => {
      this.admit(socket).then(() => next(), (e: unknown) => {
        const refusal = e instanceof VisitorRefusal ? e : null;
        if (!refusal) this.log.error(`widget handshake failed: ${String(e)}`, (e as Error)?.stack);
        const err = new Error(refusal?.message ?? 'the chat is unavailable right now') as Error & { data: { code: string; message: string } };
        err.data = { code: refusal?.code ?? 'unavailable', message: err.message };
        next(err);
      });
    });
    nsp.on('connection', (socket) => this.connected(socket));
  }

  private async admit(socket: Socket): Promise<void> {
    const auth = (socket.handshake.auth ?? {}) as Record<string, unknown>;
    const v = await this.admission.admitSocket(auth, socket.handshake.headers.origin);
    const { session, messages } = await this.visitors.open(v, pageUrlOf(auth.pageUrl));
    const online = await this.directory.online(v.widget);
    (socket.data as SocketData).visitor = session;
    (socket.data as SocketData).pending = { messages, online, config: publicWidgetConfig(v.widget.config) };
  }

  private connected(socket: Socket): void {
    const data = socket.data as SocketData;
    const s = data.visitor;
    // A recovered connection skipped the middleware: its session and rooms came back with it, and the events
    // it missed are replayed, so there is no session to send again.
    if (!s || (!data.pending && !socket.recovered)) { socket.disconnect(true); return; }
    if (data.pending) {
      const pending = data.pending;
      delete data.pending;
      void socket.join([WidgetRooms.visitor(s.inboxId, s.visitorId), WidgetRooms.inbox(s.inboxId)]);
      socket.emit('session', {
        visitorToken: s.visitorToken, conversationId: s.conversationId, messages: pending.messages,
        config: pending.config, online: pending.online,
        contact: s.contactId ? { name: s.contactName, email: s.email } : null,
      });
      socket.emit('availability', { online: pending.online });
    }

    socket.on('message.send', (payload: unknown, ack?: unknown) => {
      this.guarded(ack, () => this.visitors.send(s, payload));
    });
    socket.on('prechat', (payload: unknown, ack?: unknown) => {
      this.guarded(ack, () => this.visitors.prechat(s, payload));
    });
    socket.on('typing', (payload: unknown, ack?: unknown) => {
      this.guarded(ack, async () => { this.visitors.typing(s, payload); return { ok: true }; });
    });
    socket.on('disconnect', () => this.visitors.closed(s));
  }

  /** Every client event is answered through its ack: with the result, or with a plain error, never a crash. */
  private guarded(ack: unknown, work: () => Promise<VisitorAck<object>>): void {
    const reply = typeof ack === 'function' ? (ack as (r: unknown) => void) : () => undefined;
    work().then(reply, (e: unknown) => {
      this.log.error(`widget event failed: ${String(e)}`, (e as Error)?.stack);
      reply({ ok: false, code: 'internal', error: 'something went wrong on our side; try again' });
    });
  }
}

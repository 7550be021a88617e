// The bell: notifications from the API plus live `notification` events.
import type { NotificationDto } from '@parley/contracts';
import { api } from '../api';

class Notifications {
  items = $state.raw<NotificationDto[]>([]);
  error = $state<string | null>(null);
  unread = $derived(this.items.filter((n) => !n.readAt).length);

  async load() {
    try {
      const res = await api.get<{ items: NotificationDto[] }>('notifications');
      this.items = [...res.items].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
      this.error = null;
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  /** Returns false when we already had it (e.g. a recovered socket replaying). */
  add(p: { id: string; kind: string; conversationId: string; messageId?: string | null; createdAt?: string }): boolean {
    if (this.items.some((n) => n.id === p.id)) return false;
    const n: NotificationDto = { id: p.id, kind: p.kind, conversationId: p.conversationId, messageId: p.messageId ?? null, readAt: null, createdAt: p.createdAt ?? new Date().toISOString() };
    this.items = [n, ...this.items];
    return true;
  }

  async markRead(id: string) {
    const n = this.items.find((x) => x.id === id);
    if (!n || n.readAt) return;
    this.items = this.items.map((x) => (x.id === id ? { ...x, readAt: new Date().toISOString() } : x));
    try { await api.post(`notifications/${encodeURIComponent(id)}/read`); } catch { /* harmless: stays read locally */ }
  }

  async markAllRead() {
    await Promise.all(this.items.filter((n) => !n.readAt).map((n) => this.markRead(n.id)));
  }

  /** Opening a conversation reads its notifications too. */
  async markConversationRead(conversationId: string) {
    await Promise.all(this.items.filter((n) => !n.readAt && n.conversationId === conversationId).map((n) => this.markRead(n.id)));
  }

  reset() { this.items = []; this.error = null; }
}

export const notifications = new Notifications();

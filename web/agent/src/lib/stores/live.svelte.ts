// Session lifecycle: connect the socket, load reference data, and route live events into the stores.
import type { ConversationSummary } from '@parley/contracts';
import { api, onUnauthorized } from '../api';
import * as socket from '../socket';
import { beep, showDesktop } from '../util/alerts';
import { pruneDrafts } from '../util/drafts';
import { ConversationList } from './conversation-list.svelte';
import { directory } from './directory.svelte';
import { notifications } from './notifications.svelte';
import { prefs } from './prefs.svelte';
import { router } from './router.svelte';
import { session } from './session.svelte';
import { t } from './locale.svelte';

const meId = () => session.user?.id ?? '';

export const inbox = new ConversationList(meId, { view: 'all', status: 'open' });
/** The supervisor floor: every open conversation, loaded on first visit. */
export const floor = new ConversationList(meId, { view: 'all', status: 'open' });

/** Screens that must refetch after events may have been lost (the open conversation). */
const resyncListeners = new Set<() => void>();
export function onResync(fn: () => void): () => void {
  resyncListeners.add(fn);
  return () => resyncListeners.delete(fn);
}

let unsubs: Array<() => void> = [];
let started = false;

onUnauthorized(() => {
  if (!session.user) return;
  stop();
  session.clear('expired');
});

function contactNameOf(conversationId: string): string {
  return (inbox.items.find((c) => c.id === conversationId) ?? floor.items.find((c) => c.id === conversationId))?.contact.name ?? '';
}

function upsertEverywhere(c: ConversationSummary) {
  inbox.upsert(c);
  if (floor.loaded) floor.upsert(c);
}

export function start(): void {
  if (started || !session.token) return;
  started = true;
  pruneDrafts(localStorage);

  unsubs = [
    socket.on('conversation.created', ({ conversation }) => upsertEverywhere(conversation)),
    socket.on('conversation.updated', ({ conversation }) => upsertEverywhere(conversation)),
    socket.on('conversation.removed', ({ conversationId }) => {
      inbox.remove(conversationId);
      floor.remove(conversationId);
    }),
    socket.on('presence.updated', ({ userId, status }) => directory.setPresence(userId, status)),
    socket.on('notification', (n) => {
      if (!notifications.add(n)) return;
      const important = n.kind === 'mention' || n.kind === 'assigned';
      if (!important) return;
      if (prefs.sound) beep();
      if (prefs.desktopAlerts && (document.hidden || !document.hasFocus())) {
        const who = contactNameOf(n.conversationId);
        const title = n.kind === 'mention' ? t('notif.mention') : t('notif.assigned');
        showDesktop(title, who || t('notif.openConversation'), n.id, () => {
          void notifications.markRead(n.id);
          router.openConversation(n.conversationId);
        });
      }
    }),
  ];

  socket.connect(session.token, {
    onReconnect(recovered) {
      if (recovered) return;
      void inbox.resync();
      if (floor.loaded) void floor.resync();
      void notifications.load();
      void directory.loadUsers().catch(() => {});
      for (const fn of resyncListeners) fn();
    },
    async onRefused() {
      // Was it our token? A cheap authenticated call answers: 401 logs out (via onUnauthorized).
      try {
        await api.get('notifications', { limit: 1 });
        return true;
      } catch (e) {
        return session.user !== null && (e as { status?: number }).status !== 401;
      }
    },
  });

  void directory.loadAll().then(() => {
    const me = directory.usersById.get(meId());
    if (me) session.refreshUser(me);
  });
  void notifications.load();
  void inbox.reload();
}

export function stop(): void {
  started = false;
  for (const u of unsubs) u();
  unsubs = [];
  socket.disconnect();
  inbox.reset();
  floor.reset();
  directory.reset();
  notifications.reset();
}

export async function logout(): Promise<void> {
  const s = session.logout();
  stop();
  await s;
}

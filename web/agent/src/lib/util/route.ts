// Hash routes, so a reload or a pasted link works behind any static server.

export type AdminTab = 'inboxes' | 'users' | 'teams' | 'canned' | 'tokens';
export type Route =
  | { name: 'inbox'; conversationId: string | null }
  | { name: 'floor' }
  | { name: 'admin'; tab: AdminTab }
  | { name: 'settings' };

const ADMIN_TABS: AdminTab[] = ['inboxes', 'users', 'teams', 'canned', 'tokens'];

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  switch (parts[0]) {
    case 'floor':
      return { name: 'floor' };
    case 'admin':
      return { name: 'admin', tab: ADMIN_TABS.includes(parts[1] as AdminTab) ? (parts[1] as AdminTab) : 'inboxes' };
    case 'settings':
      return { name: 'settings' };
    case 'conversations':
      return { name: 'inbox', conversationId: parts[1] ?? null };
    default:
      return { name: 'inbox', conversationId: null };
  }
}

export function routeToHash(r: Route): string {
  switch (r.name) {
    case 'inbox':
      return r.conversationId ? `#/conversations/${encodeURIComponent(r.conversationId)}` : '#/inbox';
    case 'floor':
      return '#/floor';
    case 'admin':
      return `#/admin/${r.tab}`;
    case 'settings':
      return '#/settings';
  }
}

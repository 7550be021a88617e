// Reference data every screen needs: colleagues (with live presence), teams, inboxes, canned responses.
import type { CannedResponseDto, ChannelKind, InboxDto, PresenceStatus, TeamDto, UserDto } from '@parley/contracts';
import { api } from '../api';

class Directory {
  users = $state.raw<UserDto[]>([]);
  teams = $state.raw<TeamDto[]>([]);
  inboxes = $state.raw<InboxDto[]>([]);
  /** inbox ids we only know from conversations (GET /inboxes can be admin-only) */
  seenInboxes = $state.raw<Array<{ id: string; channel: ChannelKind }>>([]);
  canned = $state.raw<CannedResponseDto[]>([]);
  error = $state<string | null>(null);

  usersById = $derived(new Map(this.users.map((u) => [u.id, u] as const)));
  inboxesById = $derived(new Map(this.inboxes.map((i) => [i.id, i] as const)));
  teamsById = $derived(new Map(this.teams.map((t) => [t.id, t] as const)));
  activeUsers = $derived(this.users.filter((u) => u.active !== false));

  async loadAll(): Promise<void> {
    await Promise.allSettled([this.loadUsers(), this.loadTeams(), this.loadInboxes(), this.loadCanned()]);
  }

  async loadUsers() {
    const res = await api.get<UserDto[] | { items: UserDto[] }>('users');
    this.users = Array.isArray(res) ? res : res.items;
  }
  async loadTeams() {
    try {
      const res = await api.get<TeamDto[] | { items: TeamDto[] }>('teams');
      this.teams = Array.isArray(res) ? res : res.items;
    } catch { this.teams = []; }
  }
  async loadInboxes() {
    try {
      const res = await api.get<InboxDto[] | { items: InboxDto[] }>('inboxes');
      this.inboxes = Array.isArray(res) ? res : res.items;
    } catch { this.inboxes = []; }
  }
  async loadCanned() {
    try {
      const res = await api.get<CannedResponseDto[] | { items: CannedResponseDto[] }>('canned-responses');
      this.canned = Array.isArray(res) ? res : res.items;
    } catch { this.canned = []; }
  }

  setPresence(userId: string, presence: PresenceStatus) {
    if (!this.usersById.has(userId)) return;
    this.users = this.users.map((u) => (u.id === userId ? { ...u, presence } : u));
  }

  noteInbox(id: string, channel: ChannelKind) {
    if (this.inboxesById.has(id) || this.seenInboxes.some((i) => i.id === id)) return;
    this.seenInboxes = [...this.seenInboxes, { id, channel }];
  }

  /** Every inbox for filters: the real list, or the ones seen on conversations when it is not readable. */
  inboxOptions = $derived.by(() => {
    const real = this.inboxes.map((i) => ({ id: i.id, name: i.name, channel: i.channel }));
    const extra = this.seenInboxes.filter((s) => !this.inboxesById.has(s.id)).map((s) => ({ id: s.id, name: '', channel: s.channel }));
    return [...real, ...extra];
  });

  userName(id: string | null | undefined): string {
    if (!id) return '';
    return this.usersById.get(id)?.name ?? '';
  }

  reset() {
    this.users = []; this.teams = []; this.inboxes = []; this.seenInboxes = []; this.canned = []; this.error = null;
  }
}

export const directory = new Directory();

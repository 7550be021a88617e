// Who is logged in. The token lives in localStorage so a reload keeps the session.
import type { LoginResponse, UserDto } from '@parley/contracts';
import { api, setToken } from '../api';

const KEY = 'parley.session';

interface Stored { accessToken: string; expiresAt: string; user: UserDto }

function readStored(): Stored | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Stored;
    if (!s.accessToken || !s.user?.id) return null;
    if (s.expiresAt && new Date(s.expiresAt).getTime() <= Date.now()) return null;
    return s;
  } catch {
    return null;
  }
}

class Session {
  user = $state<UserDto | null>(null);
  token = $state<string | null>(null);
  expiresAt: string | null = null;
  /** why the user was sent back to login (expired / revoked), shown on the login screen */
  notice = $state<string | null>(null);
  #expiryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    const s = typeof localStorage !== 'undefined' ? readStored() : null;
    if (s) this.#apply(s);
  }

  get role() { return this.user?.role ?? 'agent'; }
  get isSupervisor() { return this.role === 'supervisor' || this.role === 'admin'; }
  get isAdmin() { return this.role === 'admin'; }

  async login(email: string, password: string, otp?: string): Promise<void> {
    const res = await api.post<LoginResponse>('auth/login', { email, password, ...(otp ? { otp } : {}) }, { noAuthRedirect: true });
    const stored: Stored = { accessToken: res.accessToken, expiresAt: res.expiresAt, user: res.user };
    try { localStorage.setItem(KEY, JSON.stringify(stored)); } catch { /* private mode: session lasts this tab */ }
    this.notice = null;
    this.#apply(stored);
  }

  /** Keep name/role fresh when the directory reloads. */
  refreshUser(u: UserDto) {
    if (!this.user || u.id !== this.user.id) return;
    this.user = { ...this.user, ...u };
    try {
      const s = readStored();
      if (s) localStorage.setItem(KEY, JSON.stringify({ ...s, user: this.user }));
    } catch { /* ignore */ }
  }

  async logout(): Promise<void> {
    try { await api.post('auth/logout', {}, { noAuthRedirect: true }); } catch { /* token already dead: fine */ }
    this.clear(null);
  }

  /** Drop the session locally (401, expiry, logout). */
  clear(notice: string | null) {
    try { localStorage.removeItem(KEY); } catch { /* ignore */ }
    if (this.#expiryTimer) clearTimeout(this.#expiryTimer);
    setToken(null);
    this.token = null;
    this.user = null;
    this.expiresAt = null;
    this.notice = notice;
  }

  #apply(s: Stored) {
    setToken(s.accessToken);
    this.token = s.accessToken;
    this.expiresAt = s.expiresAt;
    this.user = s.user;
    if (this.#expiryTimer) clearTimeout(this.#expiryTimer);
    const ms = s.expiresAt ? new Date(s.expiresAt).getTime() - Date.now() : NaN;
    // setTimeout overflows above ~24.8 days; such sessions just rely on the 401 path.
    if (Number.isFinite(ms) && ms < 2 ** 31 - 1) this.#expiryTimer = setTimeout(() => this.clear('expired'), Math.max(0, ms));
  }
}

export const session = new Session();

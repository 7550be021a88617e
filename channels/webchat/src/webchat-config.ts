import { ChannelConfigError } from '@parley/channel-kit';

export interface PreChatForm { name: boolean; email: boolean }

/** A `webchat` inbox's config (CONTRACT.md). `identitySecret` is the only secret. */
export interface WebchatConfig {
  greeting?: string;
  teamName?: string;
  /** "#rrggbb": the launcher and header colour. */
  color?: string;
  /** Exact origins ("https://shop.example.com") the widget may run on; empty = anywhere. */
  allowedOrigins?: string[];
  preChatForm?: PreChatForm;
  identitySecret?: string;
  requireIdentity?: boolean;
  /** Shown instead of the greeting when nobody is online or outside business hours. */
  awayMessage?: string;
  /** This inbox's token may be handed to the public /demo page (the demo seed sets it; admins may too). */
  demo?: boolean;
}

/** What the widget may know about its inbox: no secrets, no origins list. */
export interface PublicWidgetConfig {
  greeting: string | null;
  teamName: string | null;
  color: string | null;
  preChatForm: PreChatForm;
  awayMessage: string | null;
  requireIdentity: boolean;
}

const KEYS = new Set(['greeting', 'teamName', 'color', 'allowedOrigins', 'preChatForm', 'identitySecret', 'requireIdentity', 'awayMessage', 'demo']);

function text(c: Record<string, unknown>, key: string, max: number): string | undefined {
  const v = c[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new ChannelConfigError(key, 'must be a string');
  const t = v.trim();
  if (t.length > max) throw new ChannelConfigError(key, `is too long (${max} characters at most)`);
  return t || undefined;
}

function flag(c: Record<string, unknown>, key: string): boolean | undefined {
  const v = c[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new ChannelConfigError(key, 'must be true or false');
  return v;
}

/** "https://Shop.example.com/" → "https://shop.example.com"; paths, queries and wildcards are refused. */
export function normalizeOrigin(raw: string): string | null {
  let u: URL;
  try { u = new URL(raw.trim()); } catch { return null; }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  if (u.username || u.password || (u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) return null;
  return u.origin;
}

export function validateWebchatConfig(config: unknown): WebchatConfig {
  if (config !== undefined && config !== null && (typeof config !== 'object' || Array.isArray(config))) throw new ChannelConfigError('', 'must be an object');
  const c = (config ?? {}) as Record<string, unknown>;
  const unknownKey = Object.keys(c).find((k) => !KEYS.has(k));
  if (unknownKey) throw new ChannelConfigError(unknownKey, 'is not a setting of the webchat channel');
  const out: WebchatConfig = {};
  const greeting = text(c, 'greeting', 500); if (greeting) out.greeting = greeting;
  const teamName = text(c, 'teamName', 80); if (teamName) out.teamName = teamName;
  const awayMessage = text(c, 'awayMessage', 500); if (awayMessage) out.awayMessage = awayMessage;
  const color = text(c, 'color', 7);
  if (color) {
    if (!/^#[0-9a-fA-F]{6}$/.test(color)) throw new ChannelConfigError('color', 'must be a hex colour like "#4f46e5"');
    out.color = color.toLowerCase();
  }
  if (c.allowedOrigins !== undefined && c.allowedOrigins !== null) {
    if (!Array.isArray(c.allowedOrigins)) throw new ChannelConfigError('allowedOrigins', 'must be a list of origins like "https://shop.example.com"');
    if (c.allowedOrigins.length > 50) throw new ChannelConfigError('allowedOrigins', 'has too many entries (50 at most)');
    const origins = c.allowedOrigins.map((o, i) => {
      const n = typeof o === 'string' ? normalizeOrigin(o) : null;
      if (!n) throw new ChannelConfigError(`allowedOrigins[${i}]`, 'must be an origin: scheme and host (and port), no path, e.g. "https://shop.example.com"');
      return n;
    });
    out.allowedOrigins = [...new Set(origins)];
  }
  const pre = c.preChatForm;
  if (pre !== undefined && pre !== null) {
    if (typeof pre === 'boolean') out.preChatForm = { name: pre, email: pre };
    else if (typeof pre === 'object' && !Array.isArray(pre)) {
      const p = pre as Record<string, unknown>;
      const bad = Object.keys(p).find((k) => k !== 'name' && k !== 'email');
      if (bad) throw new ChannelConfigError(`preChatForm.${bad}`, 'is not a pre-chat field (name, email)');
      for (const k of ['name', 'email'] as const) if (p[k] !== undefined && typeof p[k] !== 'boolean') throw new ChannelConfigError(`preChatForm.${k}`, 'must be true or false');
      out.preChatForm = { name: !!p.name, email: !!p.email };
    } else throw new ChannelConfigError('preChatForm', 'must be true/false or {name, email} flags');
  }
  const secret = c.identitySecret;
  if (secret !== undefined && secret !== null && secret !== '') {
    if (typeof secret !== 'string' || secret.length < 16 || secret.length > 256) throw new ChannelConfigError('identitySecret', 'must be a string of 16 to 256 characters');
    out.identitySecret = secret;
  }
  const requireIdentity = flag(c, 'requireIdentity');
  if (requireIdentity) {
    if (!out.identitySecret) throw new ChannelConfigError('requireIdentity', 'needs an identitySecret to verify visitors with');
    out.requireIdentity = true;
  }
  const demo = flag(c, 'demo'); if (demo) out.demo = true;
  return out;
}

export function publicWidgetConfig(c: WebchatConfig): PublicWidgetConfig {
  return {
    greeting: c.greeting ?? null, teamName: c.teamName ?? null, color: c.color ?? null,
    preChatForm: c.preChatForm ?? { name: false, email: false }, awayMessage: c.awayMessage ?? null, requireIdentity: !!c.requireIdentity,
  };
}

/** No Origin header (a server-side client) passes only when the inbox does not restrict origins. */
export function originAllowed(c: WebchatConfig, origin: string | undefined): boolean {
  if (!c.allowedOrigins?.length) return true;
  const n = origin ? normalizeOrigin(origin) : null;
  return !!n && c.allowedOrigins.includes(n);
}

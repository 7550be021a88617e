import { isIP } from 'node:net';
import { ChannelConfigError, isPrivateAddress } from '@parley/channel-kit';

export interface ImapServerConfig { host: string; port: number; secure: boolean; user: string; pass: string }
/** SMTP auth is optional: some relays accept the inbox's mail by IP. When `user` is set, `pass` is too. */
export interface SmtpServerConfig { host: string; port: number; secure: boolean; user?: string; pass?: string }
export interface EmailInboxConfig { address: string; imap: ImapServerConfig; smtp: SmtpServerConfig }

/** Dotted paths into EmailInboxConfig: write-only, encrypted at rest. */
export const EMAIL_SECRET_KEYS = ['imap.pass', 'smtp.pass'] as const;

const ADDRESS_RE = /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+$/;
const HOSTNAME_RE = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)*\.?$/i;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates and normalises an `email` inbox config. Synchronous by the port's contract, so host names are
 * checked by shape and literal address here; the resolved addresses are checked again at connect time
 * (resolveMailHost), which also defeats DNS rebinding.
 */
export function validateEmailConfig(config: unknown, ctx: { allowPrivateUrls: boolean }): EmailInboxConfig {
  if (!isObj(config)) throw new ChannelConfigError('config', 'config: must be an object with address, imap and smtp');
  const address = str(config, 'address', 'address').toLowerCase();
  if (!ADDRESS_RE.test(address)) throw new ChannelConfigError('address', `address: "${address}" is not a valid email address`);

  const imapRaw = section(config, 'imap');
  const imapSecure = bool(imapRaw, 'secure', 'imap.secure', imapRaw.port === undefined ? true : Number(imapRaw.port) === 993);
  const imap: ImapServerConfig = {
    host: host(imapRaw, 'imap.host', ctx.allowPrivateUrls),
    port: port(imapRaw, 'imap.port', imapSecure ? 993 : 143),
    secure: imapSecure,
    user: str(imapRaw, 'user', 'imap.user'),
    pass: str(imapRaw, 'pass', 'imap.pass', { trim: false }),
  };

  const smtpRaw = section(config, 'smtp');
  const smtpSecure = bool(smtpRaw, 'secure', 'smtp.secure', Number(smtpRaw.port) === 465);
  const smtp: SmtpServerConfig = {
    host: host(smtpRaw, 'smtp.host', ctx.allowPrivateUrls),
    port: port(smtpRaw, 'smtp.port', smtpSecure ? 465 : 587),
    secure: smtpSecure,
  };
  const smtpUser = optionalStr(smtpRaw, 'user', 'smtp.user');
  if (smtpUser !== undefined) {
    smtp.user = smtpUser;
    smtp.pass = str(smtpRaw, 'pass', 'smtp.pass', { trim: false });
  } else if (optionalStr(smtpRaw, 'pass', 'smtp.pass') !== undefined) {
    throw new ChannelConfigError('smtp.user', 'smtp.user: is required when smtp.pass is set');
  }
  return { address, imap, smtp };
}

function section(config: Obj, name: 'imap' | 'smtp'): Obj {
  const v = config[name];
  if (!isObj(v)) throw new ChannelConfigError(name, `${name}: is required ({host, port, secure, user, pass})`);
  return v;
}

function str(o: Obj, key: string, field: string, opts: { trim?: boolean } = {}): string {
  const v = o[key];
  if (typeof v !== 'string' || v.trim() === '') throw new ChannelConfigError(field, `${field}: is required`);
  return opts.trim === false ? v : v.trim();
}

function optionalStr(o: Obj, key: string, field: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new ChannelConfigError(field, `${field}: must be a string`);
  return v;
}

function bool(o: Obj, key: string, field: string, fallback: boolean): boolean {
  const v = o[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw new ChannelConfigError(field, `${field}: must be true or false`);
  return v;
}

function port(o: Obj, field: string, fallback: number): number {
  const v = o.port;
  if (v === undefined || v === null || v === '') return fallback;
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw new ChannelConfigError(field, `${field}: must be a port number between 1 and 65535`);
  }
  return n;
}

function host(o: Obj, field: string, allowPrivate: boolean): string {
  const raw = str(o, 'host', field);
  if (/[/:@]/.test(raw.replace(/^\[.*\]$/, ''))) {
    if (!isIP(raw)) throw new ChannelConfigError(field, `${field}: must be a host name such as mail.example.com, not a URL`);
  }
  const h = raw.replace(/^\[|\]$/g, '').toLowerCase();
  if (!isIP(h) && !HOSTNAME_RE.test(h)) throw new ChannelConfigError(field, `${field}: "${raw}" is not a valid host name`);
  if (!allowPrivate) {
    const reason = privateHostReason(h);
    if (reason) throw new ChannelConfigError(field, `${field}: ${reason}`);
  }
  return h;
}

/** Literal-address check shared with the connect-time guard. */
export function privateHostReason(hostname: string): string | null {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return `${hostname} points to a private or loopback address`;
  if (isIP(hostname) && isPrivateAddress(hostname)) return `${hostname} is a private or loopback address`;
  return null;
}

// Channel config forms as data: one field list per channel kind (CONTRACT.md "Inboxes"), and the
// conversion between the flat form values and the nested `config` object the API expects.
import type { ChannelKind } from '@parley/contracts';

export type FieldType = 'text' | 'password' | 'number' | 'checkbox' | 'list' | 'textarea' | 'url' | 'email';

export interface FieldSpec {
  /** dotted path into config, e.g. "imap.host" */
  key: string;
  type: FieldType;
  required?: boolean;
  /** write-only on the server: never returned, blank on edit means "keep" */
  secret?: boolean;
  placeholder?: string;
  /** i18n key for a one-line hint under the field */
  hint?: string;
}

const mailServer = (p: 'imap' | 'smtp', port: number): FieldSpec[] => [
  { key: `${p}.host`, type: 'text', required: true, placeholder: `${p}.example.com` },
  { key: `${p}.port`, type: 'number', required: true, placeholder: String(port) },
  { key: `${p}.secure`, type: 'checkbox' },
  { key: `${p}.user`, type: 'text', required: true },
  { key: `${p}.pass`, type: 'password', required: true, secret: true },
];

const meta: FieldSpec[] = [
  { key: 'pageId', type: 'text', required: true },
  { key: 'pageAccessToken', type: 'password', required: true, secret: true },
  { key: 'appSecret', type: 'password', required: true, secret: true },
  { key: 'verifyToken', type: 'text', required: true, secret: true, hint: 'hint.verifyToken' },
  { key: 'apiBaseUrl', type: 'url', hint: 'hint.apiBaseUrl' },
];

export const CHANNEL_FIELDS: Record<ChannelKind, FieldSpec[]> = {
  api: [{ key: 'callbackUrl', type: 'url', placeholder: 'https://example.com/parley', hint: 'hint.callbackUrl' }],
  email: [{ key: 'address', type: 'email', required: true, placeholder: 'support@example.com' }, ...mailServer('imap', 993), ...mailServer('smtp', 465)],
  webchat: [
    { key: 'allowedOrigins', type: 'list', placeholder: 'https://www.example.com', hint: 'hint.allowedOrigins' },
    { key: 'greeting', type: 'textarea' },
    { key: 'preChatForm', type: 'checkbox', hint: 'hint.preChatForm' },
    { key: 'requireIdentity', type: 'checkbox', hint: 'hint.requireIdentity' },
    { key: 'identitySecret', type: 'password', secret: true, hint: 'hint.identitySecret' },
  ],
  phone: [
    { key: 'accountSid', type: 'text', required: true, placeholder: 'AC…' },
    { key: 'authToken', type: 'password', required: true, secret: true },
    { key: 'phoneNumber', type: 'text', required: true, placeholder: '+15551234567' },
    { key: 'voice.enabled', type: 'checkbox' },
    { key: 'voice.ringSeconds', type: 'number', placeholder: '20' },
    { key: 'voice.agentNumbers', type: 'list', placeholder: '+15557654321', hint: 'hint.agentNumbers' },
    { key: 'apiBaseUrl', type: 'url', hint: 'hint.apiBaseUrl' },
  ],
  whatsapp: [
    { key: 'phoneNumberId', type: 'text', required: true },
    { key: 'accessToken', type: 'password', required: true, secret: true },
    { key: 'appSecret', type: 'password', required: true, secret: true },
    { key: 'verifyToken', type: 'text', required: true, secret: true, hint: 'hint.verifyToken' },
    { key: 'apiBaseUrl', type: 'url', hint: 'hint.apiBaseUrl' },
  ],
  messenger: meta,
  instagram: meta,
  telegram: [
    { key: 'botToken', type: 'password', required: true, secret: true },
    { key: 'secretToken', type: 'text', required: true, secret: true, hint: 'hint.secretToken' },
    { key: 'apiBaseUrl', type: 'url', hint: 'hint.apiBaseUrl' },
  ],
};

export type FormValues = Record<string, string | boolean>;

function getPath(obj: Record<string, unknown>, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (const part of parts.slice(0, -1)) {
    if (!cur[part] || typeof cur[part] !== 'object') cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}

/** Form values from a (secret-less) config returned by the API. */
export function configToValues(kind: ChannelKind, config: Record<string, unknown> | undefined): FormValues {
  const out: FormValues = {};
  for (const f of CHANNEL_FIELDS[kind]) {
    const v = config ? getPath(config, f.key) : undefined;
    // flags may come back expanded, e.g. preChatForm: true → {name: true, email: true}
    if (f.type === 'checkbox') out[f.key] = v === true || (typeof v === 'object' && v !== null && Object.values(v).some((x) => x === true));
    else if (f.type === 'list') out[f.key] = Array.isArray(v) ? v.join('\n') : '';
    else if (f.secret) out[f.key] = '';
    else out[f.key] = v === undefined || v === null ? '' : String(v);
  }
  return out;
}

export interface BuildResult { config: Record<string, unknown>; missing: string[] }

/**
 * Build the nested config. Empty optional fields are left out; on edit, an empty secret is left out too
 * (the server keeps the stored one) and required secrets are not "missing".
 */
export function buildConfig(kind: ChannelKind, values: FormValues, editing: boolean): BuildResult {
  const config: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const f of CHANNEL_FIELDS[kind]) {
    const raw = values[f.key];
    if (f.type === 'checkbox') { setPath(config, f.key, raw === true); continue; }
    const s = typeof raw === 'string' ? raw.trim() : '';
    if (!s) {
      if (f.required && !(editing && f.secret)) missing.push(f.key);
      continue;
    }
    if (f.type === 'number') {
      const n = Number(s);
      if (!Number.isFinite(n)) { missing.push(f.key); continue; }
      setPath(config, f.key, n);
    } else if (f.type === 'list') {
      setPath(config, f.key, s.split(/[\n,]+/).map((x) => x.trim()).filter(Boolean));
    } else {
      setPath(config, f.key, s);
    }
  }
  return { config, missing };
}

/** The script tag a site owner pastes to embed the chat widget. */
export function widgetSnippet(origin: string, widgetToken: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<script src="${esc(origin)}/widget.js" data-widget-token="${esc(widgetToken)}" async></script>`;
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** "09:00-12:00, 13:00-17:00" → [["09:00","12:00"],["13:00","17:00"]]; null when malformed. */
export function parseRanges(s: string): Array<[string, string]> | null {
  const t = s.trim();
  if (!t) return [];
  const out: Array<[string, string]> = [];
  for (const part of t.split(',')) {
    const m = /^\s*([01]\d|2[0-4]):([0-5]\d)\s*[-–]\s*([01]\d|2[0-4]):([0-5]\d)\s*$/.exec(part);
    if (!m) return null;
    const a = `${m[1]}:${m[2]}`;
    const b = `${m[3]}:${m[4]}`;
    if (a >= b) return null;
    out.push([a, b]);
  }
  return out;
}

export function formatRanges(r: Array<[string, string]> | undefined): string {
  return (r ?? []).map(([a, b]) => `${a}-${b}`).join(', ');
}

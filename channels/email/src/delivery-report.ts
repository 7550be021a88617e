import type { HeaderReader } from './mail-headers';
import { conversationIdFromMessageId, extractMessageIds } from './thread-ids';

export type DeliveryOutcome = 'failed' | 'delayed' | 'delivered' | 'read' | 'other';

export interface DeliveryReport {
  outcome: DeliveryOutcome;
  /** Message-ID of the message the report is about (ours, when we sent it). */
  originalMessageId: string | null;
  /** The remote server's diagnostic, for a failure. */
  error?: string;
}

export interface ReportInput {
  headers: HeaderReader;
  contentType?: { value: string; params: Record<string, string> };
  fromAddress?: string;
  ownMessageId?: string | null;
  /** The raw source, read only when the mail is a report (it can be large). */
  raw: () => string;
  /** The decoded human-readable text. */
  text: string;
  /** Decoded report parts (message/delivery-status, text/rfc822-headers, message/rfc822...). */
  parts: string[];
}

const BOUNCE_SENDER = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i;

/**
 * Recognises delivery status notifications (RFC 3464), read receipts (RFC 8098) and the non-standard bounces
 * some servers still send from MAILER-DAEMON/postmaster. Returns null for ordinary mail.
 */
export function parseDeliveryReport(input: ReportInput): DeliveryReport | null {
  const type = input.contentType?.value.toLowerCase();
  const reportType = (input.contentType?.params['report-type'] ?? '').toLowerCase();
  const isReport = type === 'multipart/report';
  const isDsn = isReport && reportType === 'delivery-status';
  const isMdn = isReport && reportType === 'disposition-notification';
  const fromDaemon = !!input.fromAddress && BOUNCE_SENDER.test(input.fromAddress);
  const failedRecipients = input.headers.has('x-failed-recipients');
  if (!isDsn && !isMdn && !fromDaemon && !failedRecipients) return null;

  const body = [input.raw(), input.text, ...input.parts].map(unfold).join('\n');

  if (isMdn) {
    const original = extractMessageIds(field(body, 'Original-Message-ID'))[0] ?? pickOriginal(body, input.ownMessageId);
    const disposition = field(body, 'Disposition') ?? '';
    return { outcome: /displayed/i.test(disposition) ? 'read' : 'other', originalMessageId: original };
  }

  const actions = fields(body, 'Action').map((a) => a.toLowerCase());
  let outcome: DeliveryOutcome = 'failed';
  if (actions.length > 0 && !actions.some((a) => a.startsWith('failed'))) {
    if (actions.some((a) => a.startsWith('delayed'))) outcome = 'delayed';
    else if (actions.some((a) => /^(delivered|relayed|expanded)/.test(a))) outcome = 'delivered';
  }
  const result: DeliveryReport = { outcome, originalMessageId: pickOriginal(body, input.ownMessageId) };
  if (outcome === 'failed') result.error = diagnostic(body, input.text);
  return result;
}

/** The returned message's Message-ID: ours (conversation token) if present, else the first foreign one. */
function pickOriginal(body: string, own: string | null | undefined): string | null {
  const ids: string[] = [];
  const re = /^[ \t]*(?:Original-)?Message-ID[ \t]*:[ \t]*(<[^<>\s]+>)/gim;
  for (let m = re.exec(body); m; m = re.exec(body)) ids.push(m[1]);
  const candidates = ids.filter((id) => id !== own);
  return candidates.find((id) => conversationIdFromMessageId(id) !== null) ?? candidates[0] ?? null;
}

function diagnostic(body: string, text: string): string {
  const code = fields(body, 'Diagnostic-Code')[0];
  if (code) return clip(code.replace(/^[a-z0-9-]+\s*;\s*/i, ''));
  const status = fields(body, 'Status')[0];
  const recipient = fields(body, 'Final-Recipient')[0]?.replace(/^[a-z0-9-]+\s*;\s*/i, '');
  if (status) return clip(`delivery failed with status ${status}${recipient ? ` for ${recipient}` : ''}`);
  // Non-standard bounce: the first line that looks like an SMTP reply, else the first words of the text.
  const smtpLine = text.split('\n').map((l) => l.trim()).find((l) => /\b[45]\d\d[ -][45]?\.?\d*\.?\d*/.test(l) || /\b[45]\.\d{1,3}\.\d{1,3}\b/.test(l));
  if (smtpLine) return clip(smtpLine);
  const first = text.split('\n').map((l) => l.trim()).filter(Boolean).slice(0, 3).join(' ');
  return clip(first || 'the message could not be delivered');
}

function unfold(s: string): string {
  return s.replace(/\r\n?/g, '\n').replace(/\n[ \t]+/g, ' ');
}

function fields(body: string, name: string): string[] {
  const re = new RegExp(`^[ \\t]*${name}[ \\t]*:[ \\t]*(.+)$`, 'gim');
  const out: string[] = [];
  for (let m = re.exec(body); m; m = re.exec(body)) out.push((m[1]).trim());
  return out;
}

function field(body: string, name: string): string | undefined {
  return fields(body, name)[0];
}

function clip(s: string): string {
  return s.length > 1000 ? `${s.slice(0, 997)}...` : s;
}

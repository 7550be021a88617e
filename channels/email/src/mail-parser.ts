import { simpleParser, type AddressObject, type Attachment, type ParsedMail } from 'mailparser';
import type { Identity, InboundAttachment, InboundMessage, NormalizedInbound } from '@parley/channel-kit';
import { autoReplyReason } from './auto-reply-detector';
import { parseDeliveryReport } from './delivery-report';
import { sanitizeEmailHtml } from './html-sanitizer';
import { HeaderReader } from './mail-headers';
import { foldQuotedText } from './quote-folding';
import { collectReferences, conversationIdFromMessageId, domainOf, hashExternalId, normalizeMessageId, threadKeyFor } from './thread-ids';

export interface ParseContext {
  inboxId: string;
  /** The inbox's own address: recognises plus-addressed replies and mail we sent ourselves. */
  inboxAddress: string;
  /** When the mail server received it (IMAP INTERNALDATE). */
  receivedAt?: Date;
}

const REPORT_PART_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status', 'text/rfc822-headers',
  'message/rfc822', 'message/global', 'message/disposition-notification', 'message/global-headers']);
const FUTURE_TOLERANCE_MS = 24 * 3600_000;
const LIVE_WINDOW_MS = 10 * 60_000;

/**
 * One raw RFC 5322 message → the events for the core: a message (possibly marked noise), a delivery status
 * for one of our own messages (bounce / receipt), or nothing (a "delayed" notice). Never throws for bad
 * input: an unparseable mail still becomes a message so nothing is silently dropped.
 */
export async function parseInboundEmail(raw: Buffer, ctx: ParseContext): Promise<NormalizedInbound[]> {
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, { keepCidLinks: true, skipTextToHtml: true, skipImageLinks: true });
  } catch (err) {
    return [unparseable(raw, ctx, err)];
  }
  const headers = new HeaderReader(parsed.headerLines ?? []);
  const messageId = normalizeMessageId(parsed.messageId);
  const externalId = messageId ?? hashExternalId(raw);
  const at = arrivalTime(parsed.date, ctx.receivedAt);
  const sender = firstAddress(parsed.from) ?? firstAddress(headers.get('sender')) ?? firstAddress(headers.get('return-path'));
  const text = parsed.text ?? '';

  const report = parseDeliveryReport({
    headers,
    contentType: contentType(parsed),
    fromAddress: sender?.address,
    ownMessageId: messageId,
    raw: () => raw.toString('latin1'),
    text,
    parts: parsed.attachments.filter((a) => REPORT_PART_TYPES.has(a.contentType.toLowerCase())).map((a) => a.content.toString('utf8')),
  });
  if (report && report.originalMessageId && report.outcome !== 'other') {
    if (report.outcome === 'delayed') return [];
    return [{
      type: 'status',
      inboxId: ctx.inboxId,
      externalId: report.originalMessageId,
      status: report.outcome,
      ...(report.error ? { error: report.error } : {}),
      at,
    }];
  }

  // A copy of one of our own replies (Bcc to self, a server that files sent mail into INBOX): it is already
  // stored as the outbound message; ingesting it would make the inbox its own contact.
  if (messageId && conversationIdFromMessageId(messageId) && domainOf(messageId.slice(1, -1)) === domainOf(ctx.inboxAddress)) return [];

  const references = collectReferences(parsed.inReplyTo, parsed.references);
  const recipients = [...addresses(parsed.to), ...addresses(parsed.cc), ...headers.all('delivered-to').flatMap((v) => addressesIn(v))];
  const threadKey = threadKeyFor(references, recipients, ctx.inboxAddress);
  const folded = foldQuotedText(text);
  const html = typeof parsed.html === 'string' && parsed.html.trim() ? sanitizeEmailHtml(parsed.html) : undefined;
  const fromSelf = sender?.address === ctx.inboxAddress.toLowerCase();
  const noiseReason = report ? `delivery report (${report.outcome})` :
    autoReplyReason(headers, parsed.subject, ctx.inboxAddress) ?? (fromSelf ? 'sent from the inbox address itself' : null);

  const meta: Record<string, unknown> = { fullText: text };
  if (parsed.date && !Number.isNaN(parsed.date.getTime())) meta.sentAt = parsed.date.toISOString();
  if (references.length === 0) meta.newThread = true;
  if (noiseReason) meta.noiseReason = noiseReason;
  if (messageId === null) meta.missingMessageId = true;
  const to = addresses(parsed.to);
  const cc = addresses(parsed.cc);
  const replyTo = addresses(parsed.replyTo);
  if (to.length) meta.to = to;
  if (cc.length) meta.cc = cc;
  if (replyTo.length && !replyTo.includes(sender?.address ?? '')) meta.replyTo = replyTo;

  const message: InboundMessage = {
    type: 'message',
    inboxId: ctx.inboxId,
    externalId,
    from: identity(sender),
    references,
    text: folded.text,
    attachments: parsed.attachments.filter((a) => !isReportPart(a, report !== null)).map(toInboundAttachment),
    at,
    meta,
  };
  if (threadKey) message.threadKey = threadKey;
  if (parsed.subject !== undefined) message.subject = parsed.subject;
  if (html) message.html = html;
  if (noiseReason) message.noise = true;
  return [message];
}

function unparseable(raw: Buffer, ctx: ParseContext, err: unknown): InboundMessage {
  const head = raw.subarray(0, 64 * 1024).toString('latin1');
  const from = /^From:[^\n]*?<?([^\s<>"]+@[^\s<>"]+)>?/im.exec(head)?.[1];
  return {
    type: 'message',
    inboxId: ctx.inboxId,
    externalId: normalizeMessageId(/^Message-ID:\s*(<[^>\s]+>)/im.exec(head)?.[1]) ?? hashExternalId(raw),
    from: identity(from ? { address: from.toLowerCase() } : undefined),
    text: '(This email could not be read: its format is broken. The original is attached.)',
    attachments: [{ name: 'original.eml', contentType: 'message/rfc822', data: raw }],
    at: ctx.receivedAt ?? new Date(),
    meta: { parseError: err instanceof Error ? err.message : String(err), newThread: true },
  };
}

function identity(sender: { address: string; name?: string } | undefined): Identity {
  // A mail without any sender address still belongs to someone; keep it visible instead of dropping it.
  const address = sender?.address ?? 'unknown-sender@invalid';
  const id: Identity = { type: 'email', value: address, email: address };
  if (sender?.name) id.name = sender.name;
  return id;
}

function firstAddress(header: AddressObject | string | undefined): { address: string; name?: string } | undefined {
  if (!header) return undefined;
  if (typeof header === 'string') {
    const a = addressesIn(header)[0];
    return a ? { address: a } : undefined;
  }
  for (const v of flatten(header.value)) {
    if (v.address) {
      const name = v.name?.replace(/^["'\s]+|["'\s]+$/g, '').trim();
      return { address: v.address.toLowerCase(), ...(name && name.toLowerCase() !== v.address.toLowerCase() ? { name } : {}) };
    }
  }
  return undefined;
}

type AddressEntry = AddressObject['value'][number];
function flatten(list: AddressEntry[]): AddressEntry[] {
  return list.flatMap((v) => (v.group ? flatten(v.group) : [v]));
}

function addresses(header: AddressObject | AddressObject[] | undefined): string[] {
  if (!header) return [];
  const list = Array.isArray(header) ? header : [header];
  return list.flatMap((h) => flatten(h.value)).flatMap((v) => (v.address ? [v.address.toLowerCase()] : []));
}

function addressesIn(value: string): string[] {
  return (value.match(/[^\s<>",;:]+@[^\s<>",;:]+/g) ?? []).map((a) => a.toLowerCase());
}

function contentType(parsed: ParsedMail): { value: string; params: Record<string, string> } | undefined {
  const ct = parsed.headers.get('content-type');
  if (ct && typeof ct === 'object' && 'value' in ct && typeof ct.value === 'string' && 'params' in ct) {
    return { value: ct.value, params: ct.params as Record<string, string> };
  }
  return undefined;
}

/**
 * When the message joins the conversation. The sender's Date header is their clock (often skewed, and only
 * to the second), so a reply could sort before the agent message it answers. Mail the server received
 * minutes ago is placed at the moment we read it; older mail (backlog after downtime, history import) at the
 * server's receipt time. Without server data, the Date header within reason.
 */
function arrivalTime(date: Date | undefined, receivedAt: Date | undefined): Date {
  const now = Date.now();
  if (receivedAt && !Number.isNaN(receivedAt.getTime())) {
    return now - receivedAt.getTime() < LIVE_WINDOW_MS ? new Date(now) : receivedAt;
  }
  if (date && !Number.isNaN(date.getTime()) && date.getTime() < now + FUTURE_TOLERANCE_MS) return date;
  return new Date(now);
}

function isReportPart(a: Attachment, isReport: boolean): boolean {
  return isReport && REPORT_PART_TYPES.has(a.contentType.toLowerCase());
}

function toInboundAttachment(a: Attachment, index: number): InboundAttachment {
  const out: InboundAttachment = {
    name: a.filename?.trim() || defaultName(a.contentType, index),
    contentType: a.contentType || 'application/octet-stream',
    data: a.content,
  };
  if (a.cid) out.contentId = a.cid;
  if (a.cid && (a.related || a.contentDisposition === 'inline')) out.inline = true;
  return out;
}

function defaultName(contentType: string, index: number): string {
  const sub = contentType.split('/')[1]?.replace(/[^a-z0-9]+/gi, '') || 'bin';
  return `attachment-${index + 1}.${sub === 'plain' ? 'txt' : sub}`;
}

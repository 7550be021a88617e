import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  CHANNEL_RUNTIME,
  ChannelSendError,
  type ChannelAdapter,
  type ChannelCapabilities,
  type ChannelRuntime,
  type OutboundMessage,
  type SendContext,
  type SendResult,
} from '@parley/channel-kit';
import type Mail from 'nodemailer/lib/mailer';
import { EmailConnectionTester } from './email-connection.tester';
import { EMAIL_SECRET_KEYS, validateEmailConfig, type EmailInboxConfig } from './email-config';
import { smtpErrorInfo } from './mail-errors';
import { createSmtpTransport } from './smtp-transport';
import { buildMessageId, extractMessageIds, isMessageId } from './thread-ids';

const REPLY_PREFIX = /^\s*(re|aw|sv|vs|antw|ref|rif|réf|odp|回复|回覆|答复)\s*(\[\d+\])?\s*[:：]/i;

/** Outbound email over the inbox's SMTP server. Inbound mail comes in through EmailPollerService. */
@Injectable()
export class EmailAdapter implements ChannelAdapter<EmailInboxConfig> {
  readonly kind = 'email' as const;
  readonly capabilities: ChannelCapabilities = { attachments: true, typing: false, readReceipts: false };
  readonly secretKeys = EMAIL_SECRET_KEYS;

  constructor(@Optional() @Inject(CHANNEL_RUNTIME) private readonly runtime?: ChannelRuntime) {}

  validateConfig(config: unknown, ctx: { allowPrivateUrls: boolean }): EmailInboxConfig {
    return validateEmailConfig(config, ctx);
  }

  async send(ctx: SendContext<EmailInboxConfig>, msg: OutboundMessage): Promise<SendResult> {
    const to = msg.contact.email ?? (msg.contact.identifier?.includes('@') ? msg.contact.identifier : null);
    if (!to) throw new ChannelSendError('the contact has no email address', false, 'no_address');

    const mail = composeEmail(ctx, msg, to);
    let transport: Awaited<ReturnType<typeof createSmtpTransport>> | undefined;
    try {
      transport = await createSmtpTransport(ctx.config.smtp, this.allowPrivate(contextAllowsPrivate(ctx)));
      await transport.sendMail(mail);
    } catch (err) {
      const info = smtpErrorInfo(err);
      throw new ChannelSendError(info.message, info.retryable, info.code);
    } finally {
      transport?.close();
    }
    return { externalId: mail.messageId, status: 'sent' };
  }

  /** The port's "test connection": IMAP login + INBOX, SMTP login; details carry each side's result. */
  async testConnection(config: EmailInboxConfig): Promise<{ ok: boolean; error?: string; details: Record<string, unknown> }> {
    const report = await EmailConnectionTester.test(config, { allowPrivateUrls: this.allowPrivate() });
    const problems = [report.imap.error && `IMAP: ${report.imap.error}`, report.smtp.error && `SMTP: ${report.smtp.error}`].filter(Boolean);
    return { ok: report.ok, ...(problems.length ? { error: problems.join('; ') } : {}), details: { imap: report.imap, smtp: report.smtp } };
  }

  private allowPrivate(fromContext?: boolean): boolean {
    return fromContext ?? this.runtime?.allowPrivateUrls() ?? false;
  }
}

/** Builds the nodemailer message: our Message-ID, RFC 5322 threading headers, text + HTML, attachments. */
export function composeEmail(ctx: SendContext<EmailInboxConfig>, msg: OutboundMessage, to: string): Mail.Options & { messageId: string } {
  const thread = msg.thread ?? {};
  const inReplyTo = extractMessageIds(thread.inReplyTo ?? undefined).filter(isMessageId)[0];
  const references = extractMessageIds(thread.references ?? []).filter(isMessageId);
  // RFC 5322 3.6.4: References ends with the parent's Message-ID.
  if (inReplyTo && !references.includes(inReplyTo)) references.push(inReplyTo);

  const baseSubject = (thread.subject ?? '').trim();
  let subject: string;
  if (inReplyTo || references.length) subject = REPLY_PREFIX.test(baseSubject) ? baseSubject : `Re: ${baseSubject || ctx.inbox.name}`;
  else subject = baseSubject || ctx.inbox.name;

  const author = msg.author?.name?.trim();
  const mail: Mail.Options & { messageId: string } = {
    from: { name: author ? `${author} via ${ctx.inbox.name}` : ctx.inbox.name, address: ctx.config.address },
    to: msg.contact.name ? { name: msg.contact.name, address: to } : to,
    subject,
    messageId: buildMessageId(msg.conversationId, msg.deliveryId, ctx.config.address),
    text: msg.text,
    html: msg.html ?? textToHtml(msg.text),
    attachments: msg.attachments.map((a) => ({ filename: a.name, path: a.path, contentType: a.contentType })),
    disableFileAccess: false,
    disableUrlAccess: true,
  };
  if (inReplyTo) mail.inReplyTo = inReplyTo;
  if (references.length) mail.references = references;
  return mail;
}

/** SendContext may carry the hub's PARLEY_ALLOW_PRIVATE_URLS decision (optional field of the port). */
function contextAllowsPrivate(ctx: SendContext<EmailInboxConfig>): boolean | undefined {
  return (ctx as SendContext<EmailInboxConfig> & { allowPrivateUrls?: boolean }).allowPrivateUrls;
}

function textToHtml(text: string): string {
  const escaped = text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
  return `<div>${escaped.replace(/\r?\n/g, '<br>\n')}</div>`;
}

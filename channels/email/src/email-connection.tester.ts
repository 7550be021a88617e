import { ChannelConfigError } from '@parley/channel-kit';
import { validateEmailConfig, type EmailInboxConfig } from './email-config';
import { createImapClient } from './imap-client';
import { describeMailError } from './mail-errors';
import { createSmtpTransport } from './smtp-transport';

export interface ConnectionCheck { ok: boolean; error?: string }
export interface EmailConnectionReport { ok: boolean; imap: ConnectionCheck; smtp: ConnectionCheck }
export interface ConnectionTestOptions {
  /** Mirrors PARLEY_ALLOW_PRIVATE_URLS; the tester is an outbound probe and gets the same SSRF guard. */
  allowPrivateUrls?: boolean;
  timeoutMs?: number;
}

/**
 * "Test connection" for an email inbox config: logs in to IMAP and opens INBOX, and logs in to SMTP, then reports
 * per side what failed (DNS, connection, TLS, login, mailbox) in words an admin can act on.
 */
export class EmailConnectionTester {
  static async test(config: unknown, opts: ConnectionTestOptions = {}): Promise<EmailConnectionReport> {
    const allowPrivate = opts.allowPrivateUrls ?? false;
    let cfg: EmailInboxConfig;
    try {
      cfg = validateEmailConfig(config, { allowPrivateUrls: allowPrivate });
    } catch (err) {
      const error = err instanceof ChannelConfigError ? `configuration: ${err.message}` : String(err);
      return { ok: false, imap: { ok: false, error }, smtp: { ok: false, error } };
    }
    const timeout = opts.timeoutMs ?? 20_000;
    const [imap, smtp] = await Promise.all([testImap(cfg, allowPrivate, timeout), testSmtp(cfg, allowPrivate, timeout)]);
    return { ok: imap.ok && smtp.ok, imap, smtp };
  }
}

async function testImap(cfg: EmailInboxConfig, allowPrivate: boolean, timeoutMs: number): Promise<ConnectionCheck> {
  const target = { protocol: 'IMAP' as const, host: cfg.imap.host, port: cfg.imap.port };
  let client: Awaited<ReturnType<typeof createImapClient>> | undefined;
  try {
    client = await createImapClient(cfg.imap, allowPrivate, { connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, disableAutoIdle: true });
    await client.connect();
  } catch (err) {
    client?.close();
    return { ok: false, error: describeMailError(err, target) };
  }
  try {
    await client.mailboxOpen('INBOX', { readOnly: true });
    return { ok: true };
  } catch (err) {
    const e = err as { responseText?: string; message?: string };
    return { ok: false, error: `mailbox: cannot open INBOX (${e.responseText ?? e.message ?? 'unknown error'})` };
  } finally {
    await client.logout().catch(() => client?.close());
  }
}

async function testSmtp(cfg: EmailInboxConfig, allowPrivate: boolean, timeoutMs: number): Promise<ConnectionCheck> {
  const target = { protocol: 'SMTP' as const, host: cfg.smtp.host, port: cfg.smtp.port };
  let transport: Awaited<ReturnType<typeof createSmtpTransport>> | undefined;
  try {
    transport = await createSmtpTransport(cfg.smtp, allowPrivate, { connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs });
    await transport.verify();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: describeMailError(err, target) };
  } finally {
    transport?.close();
  }
}

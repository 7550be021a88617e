import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { SmtpServerConfig } from './email-config';
import { resolveMailHost } from './mail-host';

export interface SmtpTimeouts { connectionTimeout?: number; greetingTimeout?: number; socketTimeout?: number }

/** A one-shot SMTP transport to a vetted address (see resolveMailHost). The caller closes it. */
export async function createSmtpTransport(
  smtp: SmtpServerConfig,
  allowPrivate: boolean,
  timeouts: SmtpTimeouts = {},
): Promise<Transporter<SMTPTransport.SentMessageInfo>> {
  const target = await resolveMailHost(smtp.host, allowPrivate);
  const options: SMTPTransport.Options = {
    host: target.host,
    port: smtp.port,
    secure: smtp.secure,
    connectionTimeout: timeouts.connectionTimeout ?? 30_000,
    greetingTimeout: timeouts.greetingTimeout ?? 20_000,
    socketTimeout: timeouts.socketTimeout ?? 120_000,
    logger: false,
    debug: false,
  };
  if (target.servername) options.tls = { servername: target.servername };
  if (smtp.user) options.auth = { user: smtp.user, pass: smtp.pass ?? '' };
  return nodemailer.createTransport(options);
}

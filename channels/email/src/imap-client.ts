import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { ImapServerConfig } from './email-config';
import { resolveMailHost } from './mail-host';

export interface ImapClientOptions {
  connectionTimeout?: number;
  greetingTimeout?: number;
  /** Delay before imapflow enters IDLE after the last command. */
  autoIdleDelay?: number;
  disableAutoIdle?: boolean;
}

/**
 * Creates (not connects) an imapflow client to a vetted address. The client gets an 'error' listener at once:
 * an EventEmitter 'error' without one would take the whole process down.
 */
export async function createImapClient(
  imap: ImapServerConfig,
  allowPrivate: boolean,
  opts: ImapClientOptions = {},
  onError: (err: Error) => void = () => undefined,
): Promise<ImapFlow> {
  const target = await resolveMailHost(imap.host, allowPrivate);
  const options: ImapFlowOptions = {
    host: target.host,
    port: imap.port,
    secure: imap.secure,
    auth: { user: imap.user, pass: imap.pass },
    logger: false,
    connectionTimeout: opts.connectionTimeout ?? 30_000,
    greetingTimeout: opts.greetingTimeout ?? 16_000,
    autoIdleDelay: opts.autoIdleDelay ?? 1_000,
    disableAutoIdle: opts.disableAutoIdle ?? false,
    clientInfo: { name: 'Parley' },
  };
  if (target.servername) options.servername = target.servername;
  const client = new ImapFlow(options);
  client.on('error', onError);
  return client;
}

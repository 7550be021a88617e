import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isPrivateAddress } from '@parley/channel-kit';
import { privateHostReason } from './email-config';

/** A host failed the SSRF guard or DNS; the message is meant for an admin. */
export class MailHostError extends Error {
  constructor(message: string, readonly code: 'DNS' | 'PRIVATE') {
    super(message);
    this.name = 'MailHostError';
  }
}

export interface ConnectTarget {
  /** What to open the socket to: the vetted IP address, or the configured host when private hosts are allowed. */
  host: string;
  /** TLS server name (SNI and certificate check) when `host` is an IP we resolved ourselves. */
  servername?: string;
}

/**
 * Resolves a mail server host and refuses private/loopback targets unless allowed. The socket then goes to
 * the address we checked, so a DNS answer that changes between check and connect cannot redirect it.
 */
export async function resolveMailHost(host: string, allowPrivate: boolean): Promise<ConnectTarget> {
  if (allowPrivate) return { host };
  const literal = privateHostReason(host);
  if (literal) throw new MailHostError(literal, 'PRIVATE');
  if (isIP(host)) return { host };
  const addrs = await lookup(host, { all: true }).catch(() => []);
  if (addrs.length === 0) throw new MailHostError(`DNS: ${host} could not be resolved`, 'DNS');
  if (addrs.some((a) => isPrivateAddress(a.address))) {
    throw new MailHostError(`${host} points to a private or loopback address`, 'PRIVATE');
  }
  return { host: (addrs[0] as { address: string }).address, servername: host };
}

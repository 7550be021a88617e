import { MailHostError } from './mail-host';

/** The fields imapflow and nodemailer put on their errors (all optional: we read what is there). */
interface MailLibError {
  message?: string;
  code?: string;
  responseCode?: number;
  response?: string;
  responseText?: string;
  authenticationFailed?: boolean;
  serverResponseCode?: string;
  command?: string;
}

const asMailError = (err: unknown): MailLibError => (typeof err === 'object' && err !== null ? (err) : { message: String(err) });

const TLS_RE = /(CERT|SSL|TLS|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|HOSTNAME_MISMATCH|ALTNAME)/i;

/**
 * Turns a connection/login failure into words an admin can act on: which stage failed (DNS, connection,
 * TLS, login) and the server's own answer when there is one. Never includes credentials.
 */
export function describeMailError(err: unknown, target: { protocol: 'IMAP' | 'SMTP'; host: string; port: number }): string {
  if (err instanceof MailHostError) return err.message;
  const e = asMailError(err);
  const where = `${target.host}:${target.port}`;
  const code = e.code ?? '';
  const msg = (e.message ?? '').trim();
  const serverSaid = (e.responseText ?? e.response ?? '').trim();

  if (e.authenticationFailed || code === 'EAUTH') {
    return `login failed: ${serverSaid || msg || 'the server refused the user name or password'}`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EDNS' || /getaddrinfo/i.test(msg)) {
    return `DNS: ${target.host} could not be resolved`;
  }
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(msg)) {
    return `connection refused by ${where} (wrong port, or the server is down)`;
  }
  if (/WRONG_VERSION_NUMBER|wrong version number|packet length too long/i.test(code + ' ' + msg)) {
    return `TLS: handshake with ${where} failed; the port may expect a plain or STARTTLS connection (try secure: false)`;
  }
  if (TLS_RE.test(code) || /certificate|tls|ssl/i.test(msg)) {
    return `TLS: ${msg || code}`;
  }
  if (code === 'GREETING_TIMEOUT' || /greeting/i.test(msg)) {
    return `${target.protocol} server at ${where} sent no greeting (timed out); if it expects TLS on this port, set secure: true`;
  }
  if (code === 'ETIMEDOUT' || code === 'ETIMEOUT' || code === 'CONNECT_TIMEOUT' || /timed? ?out/i.test(msg)) {
    return `no answer from ${where} (timed out)`;
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || /closed/i.test(msg)) {
    return `${where} closed the connection${serverSaid ? `: ${serverSaid}` : ''}`;
  }
  if (e.responseCode) return `${target.protocol} server answered: ${serverSaid || msg}`;
  return serverSaid || msg || code || 'unknown error';
}

/** SMTP failure → was it temporary? 4xx and transport problems are; 5xx and bad input are not. */
export function smtpErrorInfo(err: unknown): { message: string; retryable: boolean; code?: string } {
  const e = asMailError(err);
  const message = (e.response ?? e.message ?? String(err)).trim();
  if (typeof e.responseCode === 'number') {
    return { message, retryable: e.responseCode < 500, code: String(e.responseCode) };
  }
  if (err instanceof MailHostError) return { message: e.message ?? 'invalid host', retryable: e.code === 'DNS', code: e.code };
  const code = e.code ?? '';
  if (['ENOENT', 'EISDIR', 'EACCES', 'EMESSAGE'].includes(code)) return { message, retryable: false, code };
  // ECONNECTION, ETIMEDOUT, ESOCKET, EDNS, ECONNRESET, EPROTOCOL and unknown failures: try again later.
  return { message, retryable: true, code: code || undefined };
}

import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. Secrets are redacted by path (headers, passwords, tokens, channel config) so that
 * even debug-level request logging cannot leak them.
 */
export const REDACT_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-twilio-signature"]', 'req.headers["x-widget-token"]',
  'req.headers["x-visitor-token"]', 'req.body.password', 'req.body.otp', 'req.body.config', 'req.body.admin.password',
  '*.password', '*.pass', '*.authToken', '*.accessToken', '*.token', '*.secret', '*.identitySecret', '*.appSecret',
  '*.botToken', '*.secretToken', '*.pageAccessToken', '*.verifyToken', '*.inboxToken', '*.widgetToken', '*.config',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { app: 'parley' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

export type { Logger };
export const LOGGER = Symbol('LOGGER');

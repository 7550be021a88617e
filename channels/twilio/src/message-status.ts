import type { InboundStatus } from '@parley/channel-kit';
import { describeTwilioError } from './twilio-errors';
import { param, type TwilioParams } from './twilio-params';

const STATUS_MAP: Readonly<Record<string, InboundStatus['status']>> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  undelivered: 'failed',
  failed: 'failed',
};

/**
 * A Twilio message status callback as a status event, or null when there is nothing honest to report:
 * queued/accepted/sending/scheduled say no more than "we handed it to Twilio", which the outbox already knows.
 * Callbacks can arrive out of order (delivered before sent); the core ranks statuses and never moves back.
 */
export function parseStatusCallback(p: TwilioParams, inboxId: string, at: Date): InboundStatus | null {
  const sid = param(p, 'MessageSid') ?? param(p, 'SmsSid');
  const raw = (param(p, 'MessageStatus') ?? param(p, 'SmsStatus'))?.toLowerCase();
  if (!sid || !raw) return null;
  const status = STATUS_MAP[raw];
  if (!status) return null;
  const event: InboundStatus = { type: 'status', inboxId, externalId: sid, status, at };
  const code = param(p, 'ErrorCode');
  if (status === 'failed') event.error = code && code !== '0' ? describeTwilioError(code, param(p, 'ErrorMessage')) : `${raw} (no error code from Twilio)`;
  return event;
}

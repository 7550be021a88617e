import { ChannelSendError } from '@parley/channel-kit';

/** Readable reasons for the Twilio error codes agents actually meet (https://www.twilio.com/docs/api/errors). */
export const TWILIO_ERROR_REASONS: Readonly<Record<string, string>> = {
  '20003': 'authentication failed: check the Account SID and auth token',
  '20404': 'resource not found',
  '20429': 'too many requests',
  '21211': "invalid 'To' phone number",
  '21408': 'sending to this region is not enabled on the Twilio account',
  '21602': 'message body is required',
  '21606': "the 'From' number cannot send this kind of message",
  '21610': 'recipient has opted out (replied STOP)',
  '21612': 'Twilio cannot route a message between these two numbers',
  '21614': "'To' number is not a mobile number",
  '21617': 'message body is too long',
  '30001': 'queue overflow: too many messages queued on the sender',
  '30002': 'Twilio account suspended',
  '30003': 'unreachable destination handset (switched off or out of coverage)',
  '30004': 'message blocked by the recipient or their carrier',
  '30005': 'unknown destination handset: the number may not exist',
  '30006': 'landline or unreachable carrier',
  '30007': 'filtered by the carrier (spam or content rules)',
  '30008': 'unknown error from the carrier',
  '30034': 'sender is not registered for US A2P 10DLC messaging',
};

/** "30003: unreachable destination handset (...)" — what an agent sees on a failed message. */
export function describeTwilioError(code: string | number, fallback?: string): string {
  const key = String(code);
  return `${key}: ${TWILIO_ERROR_REASONS[key] ?? fallback ?? 'Twilio error'}`;
}

interface TwilioHttpError { status: number; code?: number; message?: string; detail?: string }

function isTwilioHttpError(err: unknown): err is TwilioHttpError {
  return typeof err === 'object' && err !== null && typeof (err as { status?: unknown }).status === 'number';
}

/**
 * Maps what the SDK throws to the port's ChannelSendError. Twilio's REST errors (RestException and the newer
 * RFC 9457 TwilioServiceException both carry `status` and `code`) are final for 4xx, worth a retry for 5xx and
 * 429; anything without an HTTP status is a transport failure and is retried.
 */
export function toChannelSendError(err: unknown): ChannelSendError {
  if (err instanceof ChannelSendError) return err;
  if (isTwilioHttpError(err)) {
    const retryable = err.status >= 500 || err.status === 429;
    const twilioText = err.detail ?? err.message ?? `HTTP ${err.status}`;
    if (err.code !== undefined && err.code !== null) {
      const reason = TWILIO_ERROR_REASONS[String(err.code)];
      const message = reason ? `Twilio error ${err.code} (${reason}): ${twilioText}` : `Twilio error ${err.code}: ${twilioText}`;
      return new ChannelSendError(message, retryable, `twilio_${err.code}`);
    }
    return new ChannelSendError(`Twilio API answered HTTP ${err.status}: ${twilioText}`, retryable, `http_${err.status}`);
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ChannelSendError(`Twilio API unreachable: ${message}`, true, 'network');
}

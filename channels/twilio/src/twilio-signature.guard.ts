import {
  createParamDecorator, ForbiddenException, Inject, Injectable, Logger,
  type CanActivate, type ExecutionContext,
} from '@nestjs/common';
import type { Request } from 'express';
import twilio from 'twilio';
import { CHANNEL_RUNTIME, type ChannelRuntime, type ResolvedInbox } from '@parley/channel-kit';
import type { PhoneInboxConfig } from './phone-config';
import { toTwilioParams, type TwilioParams } from './twilio-params';

/** What a webhook handler gets once the request is proven to come from the inbox's Twilio account. */
export interface VerifiedTwilioRequest {
  resolved: ResolvedInbox<PhoneInboxConfig>;
  params: TwilioParams;
  /** The URL Twilio called (PUBLIC_URL + original path and query). */
  url: string;
  /** Query of the step URL (signed along with it). */
  query: Readonly<Record<string, string>>;
}

type TwilioWebhookRequest = Request & { twilioVerified?: VerifiedTwilioRequest };

function badSignature(message: string): ForbiddenException {
  return new ForbiddenException({ error: 'bad_signature', message });
}

/**
 * Every Twilio webhook step, first or follow-up, passes here: unknown inbox, missing or wrong X-Twilio-Signature
 * → 403 before any handler runs, so nothing is stored. The URL is rebuilt from PUBLIC_URL because behind a proxy
 * the Host header is not what Twilio signed.
 */
@Injectable()
export class TwilioSignatureGuard implements CanActivate {
  private readonly logger = new Logger('TwilioWebhook');

  constructor(@Inject(CHANNEL_RUNTIME) private readonly runtime: ChannelRuntime) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<TwilioWebhookRequest>();
    const inboxId = req.params.inboxId;
    const resolved = typeof inboxId === 'string' && inboxId ? await this.runtime.getInbox<PhoneInboxConfig>(inboxId) : null;
    if (!resolved || resolved.inbox.channel !== 'phone' || !resolved.config.authToken) {
      throw badSignature('no phone inbox matches this webhook URL');
    }
    const signature = req.header('x-twilio-signature');
    if (!signature) throw badSignature('X-Twilio-Signature header is missing');
    const url = `${this.runtime.publicUrl().replace(/\/+$/, '')}${req.originalUrl}`;
    const params = toTwilioParams(req.body);
    if (!twilio.validateRequest(resolved.config.authToken, signature, url, params)) {
      // The usual cause is PUBLIC_URL differing from the URL configured at Twilio: log what we checked against.
      this.logger.warn(`bad Twilio signature for inbox ${resolved.inbox.id} on ${url}`);
      throw badSignature('X-Twilio-Signature does not match this request');
    }
    const query: Record<string, string> = {};
    for (const [k, v] of new URL(url).searchParams) query[k] ??= v;
    req.twilioVerified = { resolved, params, url, query };
    return true;
  }
}

export const VerifiedTwilio = createParamDecorator((_: unknown, ctx: ExecutionContext): VerifiedTwilioRequest => {
  const v = ctx.switchToHttp().getRequest<TwilioWebhookRequest>().twilioVerified;
  if (!v) throw badSignature('request was not verified');
  return v;
});

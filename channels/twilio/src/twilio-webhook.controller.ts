import { Controller, Header, HttpCode, Post, UseFilters, UseGuards } from '@nestjs/common';
import { Public } from '@parley/channel-kit';
import { TwilioSignatureGuard, VerifiedTwilio, type VerifiedTwilioRequest } from './twilio-signature.guard';
import { TwilioWebhookExceptionFilter } from './twilio-webhook.filter';
import { TwilioWebhookService } from './twilio-webhook.service';

/** An empty TwiML document: "received, nothing to say". */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/**
 * Public Twilio webhooks (CONTRACT.md): /sms, /voice, /status, plus the voice flow's follow-up steps under
 * /voice/... . All form-encoded, all signature-checked by the guard, all answered with TwiML.
 */
@Public() // Twilio carries no staff token: its signature (checked by the guard) is the authentication.
@Controller('webhooks/twilio/:inboxId')
@UseGuards(TwilioSignatureGuard)
@UseFilters(TwilioWebhookExceptionFilter)
export class TwilioWebhookController {
  constructor(private readonly service: TwilioWebhookService) {}

  @Post('sms') @HttpCode(200) @Header('Content-Type', 'text/xml')
  async sms(@VerifiedTwilio() v: VerifiedTwilioRequest): Promise<string> {
    await this.service.sms(v);
    return EMPTY_TWIML;
  }

  @Post('status') @HttpCode(200) @Header('Content-Type', 'text/xml')
  async status(@VerifiedTwilio() v: VerifiedTwilioRequest): Promise<string> {
    await this.service.status(v);
    return EMPTY_TWIML;
  }

  @Post('voice') @HttpCode(200) @Header('Content-Type', 'text/xml')
  voice(@VerifiedTwilio() v: VerifiedTwilioRequest): Promise<string> {
    return this.service.voice(v);
  }

  @Post('voice/dial-result') @HttpCode(200) @Header('Content-Type', 'text/xml')
  dialResult(@VerifiedTwilio() v: VerifiedTwilioRequest): Promise<string> {
    return this.service.dialResult(v);
  }

  @Post('voice/agent-answered') @HttpCode(200) @Header('Content-Type', 'text/xml')
  async agentAnswered(@VerifiedTwilio() v: VerifiedTwilioRequest): Promise<string> {
    await this.service.agentAnswered(v);
    return EMPTY_TWIML;
  }

  @Post('voice/recorded') @HttpCode(200) @Header('Content-Type', 'text/xml')
  recorded(@VerifiedTwilio() v: VerifiedTwilioRequest): Promise<string> {
    return this.service.recorded(v);
  }

  @Post('voice/recording-status') @HttpCode(200) @Header('Content-Type', 'text/xml')
  async recordingStatus(@VerifiedTwilio() v: VerifiedTwilioRequest): Promise<string> {
    await this.service.recordingStatus(v);
    return EMPTY_TWIML;
  }

  @Post('voice/transcription') @HttpCode(200) @Header('Content-Type', 'text/xml')
  async transcription(@VerifiedTwilio() v: VerifiedTwilioRequest): Promise<string> {
    await this.service.transcription(v);
    return EMPTY_TWIML;
  }

  @Post('voice/bridge') @HttpCode(200) @Header('Content-Type', 'text/xml')
  bridge(@VerifiedTwilio() v: VerifiedTwilioRequest): string {
    return this.service.bridge(v);
  }

  @Post('voice/bridge-result') @HttpCode(200) @Header('Content-Type', 'text/xml')
  bridgeResult(@VerifiedTwilio() v: VerifiedTwilioRequest): Promise<string> {
    return this.service.bridgeResult(v);
  }

  @Post('voice/call-status') @HttpCode(200) @Header('Content-Type', 'text/xml')
  async callStatus(@VerifiedTwilio() v: VerifiedTwilioRequest): Promise<string> {
    await this.service.callStatus(v);
    return EMPTY_TWIML;
  }
}

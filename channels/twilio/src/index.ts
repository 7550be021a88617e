export { TwilioChannelModule } from './twilio-channel.module';
export { TwilioAdapter, isCallCapable, type CallCapableAdapter, type StartCallRequest } from './twilio.adapter';
export { TwilioWebhookController } from './twilio-webhook.controller';
export {
  twilioWebhookUrls, validatePhoneConfig, toE164, type PhoneInboxConfig, type PhoneVoiceConfig,
} from './phone-config';
export { describeTwilioError, TWILIO_ERROR_REASONS } from './twilio-errors';
export { optOutKeyword } from './sms-inbound';

import { Module, type OnModuleInit } from '@nestjs/common';
import { ChannelAdapterRegistry } from '@parley/channel-kit';
import { TwilioMediaFetcher } from './media-fetcher';
import { TwilioAdapter } from './twilio.adapter';
import { TwilioClientFactory } from './twilio-client.factory';
import { TwilioSignatureGuard } from './twilio-signature.guard';
import { TwilioWebhookController } from './twilio-webhook.controller';
import { TwilioWebhookService } from './twilio-webhook.service';

/**
 * The `phone` channel (Twilio SMS/MMS and voice). Needs ChannelKitModule's registry and the core's global
 * INBOUND_SINK and CHANNEL_RUNTIME providers.
 */
@Module({
  controllers: [TwilioWebhookController],
  providers: [TwilioAdapter, TwilioClientFactory, TwilioMediaFetcher, TwilioWebhookService, TwilioSignatureGuard],
  exports: [TwilioAdapter],
})
export class TwilioChannelModule implements OnModuleInit {
  constructor(private readonly registry: ChannelAdapterRegistry, private readonly adapter: TwilioAdapter) {}

  onModuleInit(): void {
    this.registry.register(this.adapter);
  }
}

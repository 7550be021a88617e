import { Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { ChannelAdapterRegistry } from '@parley/channel-kit';
import { EmailAdapter } from './email.adapter';
import { EMAIL_POLLER_OPTIONS, EmailPollerService, type EmailPollerOptions } from './imap-poller.service';

/**
 * The email channel: registers EmailAdapter (outbound) and runs EmailPollerService (inbound IMAP).
 * Needs INBOUND_SINK and CHANNEL_RUNTIME (global, from the core) and ChannelKitModule's registry.
 */
@Module({ providers: [EmailAdapter, EmailPollerService], exports: [EmailAdapter, EmailPollerService] })
export class EmailChannelModule implements OnModuleInit {
  constructor(private readonly registry: ChannelAdapterRegistry, private readonly adapter: EmailAdapter) {}

  /** Same module with tuned poller timings (tests, or a deployment that wants faster polling). */
  static withOptions(options: EmailPollerOptions): DynamicModule {
    return {
      module: EmailChannelModule,
      providers: [EmailAdapter, EmailPollerService, { provide: EMAIL_POLLER_OPTIONS, useValue: options }],
      exports: [EmailAdapter, EmailPollerService],
    };
  }

  onModuleInit(): void {
    if (!this.registry.get('email')) this.registry.register(this.adapter);
  }
}

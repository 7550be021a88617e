import { Module, OnModuleInit } from '@nestjs/common';
import { ChannelAdapterRegistry } from '@parley/channel-kit';
import { ApiChannelAdapter } from './api.adapter';
import { ApiInboundController } from './api-inbound.controller';

@Module({ providers: [ApiChannelAdapter], controllers: [ApiInboundController], exports: [ApiChannelAdapter] })
export class ApiChannelModule implements OnModuleInit {
  constructor(private readonly registry: ChannelAdapterRegistry, private readonly adapter: ApiChannelAdapter) {}
  onModuleInit(): void { this.registry.register(this.adapter); }
}

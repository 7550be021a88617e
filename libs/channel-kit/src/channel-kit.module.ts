import { Global, Module } from '@nestjs/common';
import { ChannelAdapterRegistry } from './adapter-registry';

/**
 * Global: every channel module registers its adapter into the one registry in onModuleInit.
 * INBOUND_SINK and CHANNEL_RUNTIME are provided (globally) by libs/core's CoreModule.
 */
@Global()
@Module({ providers: [ChannelAdapterRegistry], exports: [ChannelAdapterRegistry] })
export class ChannelKitModule {}

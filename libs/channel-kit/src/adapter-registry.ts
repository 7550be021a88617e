import { Injectable } from '@nestjs/common';
import type { ChannelKind } from '@parley/contracts';
import type { ChannelAdapter } from './channel-adapter';

/** Channels register their adapter at module init; core looks it up by kind. */
@Injectable()
export class ChannelAdapterRegistry {
  private readonly adapters = new Map<ChannelKind, ChannelAdapter<unknown>>();

  register(adapter: ChannelAdapter<unknown>): void {
    if (this.adapters.has(adapter.kind)) throw new Error(`channel adapter for ${adapter.kind} registered twice`);
    this.adapters.set(adapter.kind, adapter);
  }

  get(kind: ChannelKind): ChannelAdapter<unknown> | undefined {
    return this.adapters.get(kind);
  }

  require(kind: ChannelKind): ChannelAdapter<unknown> {
    const a = this.adapters.get(kind);
    if (!a) throw new Error(`no channel adapter for ${kind}`);
    return a;
  }

  kinds(): ChannelKind[] {
    return [...this.adapters.keys()];
  }
}

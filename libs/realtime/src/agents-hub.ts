import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '@parley/platform';
import type { AgentsNamespace } from './agents.types';

/** The `/agents` namespace once the gateway is up, shared by the services that emit on it. */
@Injectable()
export class AgentsHub {
  /** This process among its peers (presence bookkeeping). */
  readonly pid = randomUUID();
  /** Several processes share rooms through Redis (the adapter supports serverSideEmit and remote sockets). */
  readonly clustered: boolean;
  private namespace: AgentsNamespace | null = null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.clustered = !!config.redisUrl;
  }

  attach(nsp: AgentsNamespace): void { this.namespace = nsp; }

  get nsp(): AgentsNamespace {
    if (!this.namespace) throw new Error('the /agents namespace is not initialised yet');
    return this.namespace;
  }

  get ready(): boolean { return this.namespace !== null; }
}

import { DynamicModule, Global, Module } from '@nestjs/common';
import { CHANNEL_RUNTIME, INBOUND_SINK } from '@parley/channel-kit';
import { Database } from '@parley/persistence';
import { APP_CONFIG, BlobStore, LOGGER, SecretBox, type AppConfig, type Logger } from '@parley/platform';
import path from 'node:path';
import { AccessService } from './access.service';
import { AttachmentService } from './attachment.service';
import { AuditService } from './audit.service';
import { CallService } from './call.service';
import { CannedResponseService } from './canned-response.service';
import { ChannelRuntimeService } from './channel-runtime.service';
import { ChannelQueryService } from './channel-query.service';
import { ContactService } from './contact.service';
import { ConversationService } from './conversation.service';
import { ConversationStore } from './conversation.store';
import { DispatcherService } from './dispatcher.service';
import { DomainEvents } from './domain-events';
import { InboxService } from './inbox.service';
import { IngestService } from './ingest.service';
import { MessageService } from './message.service';
import { NotificationService } from './notification.service';
import { PresenceRegistry } from './presence.registry';
import { WorkersService } from './workers.service';

const services = [
  AccessService, AttachmentService, AuditService, CallService, CannedResponseService, ChannelQueryService, ChannelRuntimeService, ContactService, ConversationService,
  ConversationStore, DispatcherService, InboxService, IngestService, MessageService, NotificationService, PresenceRegistry, WorkersService,
];

/** The domain, global so channels get INBOUND_SINK and CHANNEL_RUNTIME by injection. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(deps: { config: AppConfig; db: Database; logger: Logger }): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: deps.config },
        { provide: Database, useValue: deps.db },
        { provide: LOGGER, useValue: deps.logger },
        { provide: SecretBox, useValue: SecretBox.fromConfig(deps.config.secretKey, deps.config.dataDir) },
        { provide: BlobStore, useValue: new BlobStore(path.join(deps.config.dataDir, 'blobs')) },
        { provide: DomainEvents, useValue: new DomainEvents() },
        ...services,
        { provide: INBOUND_SINK, useExisting: IngestService },
        { provide: CHANNEL_RUNTIME, useExisting: ChannelRuntimeService },
      ],
      exports: [APP_CONFIG, Database, LOGGER, SecretBox, BlobStore, DomainEvents, ...services, INBOUND_SINK, CHANNEL_RUNTIME],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from '@parley/auth';
import { ChannelKitModule } from '@parley/channel-kit';
import { CoreModule } from '@parley/core';
import { Database } from '@parley/persistence';
import type { AppConfig, Logger } from '@parley/platform';
import { ApiChannelModule } from '@parley/channel-api';
import { RealtimeModule } from '@parley/realtime';
import { ErrorFilter } from './http/error.filter';
import { AuthController } from './controllers/auth.controller';
import { PeopleController } from './controllers/people.controller';
import { InboxesController } from './controllers/inboxes.controller';
import { ConversationsController } from './controllers/conversations.controller';
import { ContactsController } from './controllers/contacts.controller';
import { CannedResponsesController, NotificationsController } from './controllers/misc.controller';
import { AttachmentsController } from './controllers/attachments.controller';
import { HealthController } from './controllers/health.controller';
import { SeedService } from './seed/seed.service';
import { CHANNEL_MODULES } from './channel-modules';

@Module({})
export class AppModule {
  static forRoot(deps: { config: AppConfig; db: Database; logger: Logger }): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(deps), ChannelKitModule, AuthModule, RealtimeModule, ApiChannelModule, ...CHANNEL_MODULES],
      controllers: [
        HealthController, AuthController, PeopleController, InboxesController, ConversationsController, ContactsController,
        NotificationsController, CannedResponsesController, AttachmentsController,
      ],
      providers: [SeedService, { provide: APP_FILTER, useClass: ErrorFilter }],
    };
  }
}

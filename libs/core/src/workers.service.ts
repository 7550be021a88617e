import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, LOGGER, type AppConfig, type Logger } from '@parley/platform';
import { ConversationService } from './conversation.service';
import { DomainEvents } from './domain-events';

/** Timers that run in the one worker process: snooze wake-ups. Plus reactions to people changes. */
@Injectable()
export class WorkersService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly conversations: ConversationService,
    private readonly events: DomainEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.events.onError((err) => this.log.error({ err }, 'domain event listener failed'));
    this.events.on('user.deactivated', async ({ workspaceId, userId }) => {
      const n = await this.conversations.unassignAllOf(workspaceId, userId);
      this.log.info({ workspaceId, userId, conversations: n }, 'deactivated user: open conversations returned to the queue');
    });
    if (!this.config.workers) return;
    this.timer = setInterval(() => {
      this.conversations.wakeSnoozed().catch((err: unknown) => this.log.error({ err }, 'snooze wake-up failed'));
    }, 2_000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Database } from '@parley/persistence';
import { APP_CONFIG, LOGGER, type AppConfig, type Logger } from '@parley/platform';
import { ConversationService } from './conversation.service';
import { DomainEvents } from './domain-events';

const SNOOZE_TICK_MS = 2_000;
/** Embedded mode still looks this often, should a snooze have been written some other way. */
const SNOOZE_SAFETY_MS = 30 * 60_000;

/** Timers that run in the one worker process: snooze wake-ups. Plus reactions to people changes. */
@Injectable()
export class WorkersService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private checking = false;
  /** Embedded mode: no snooze check before this time (ms), lowered by every snooze this process makes. */
  private nextCheckAt = 0;

  constructor(
    private readonly db: Database,
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
    // On FerretDB the snooze query scans every conversation (only exact-_id filters use an index), so checking
    // every 2 s would keep the serialized database busy at scale. Embedded mode is one process (DESIGN §3): it
    // sees every snooze as a domain event and only looks when one is due. MongoDB checks every tick (indexed).
    const gated = this.db.server === 'ferretdb';
    if (gated) {
      this.events.on('conversation.updated', ({ conversation: c }) => {
        if (c.status === 'snoozed' && c.snoozeUntil) this.nextCheckAt = Math.min(this.nextCheckAt, Date.parse(c.snoozeUntil));
      });
    }
    this.timer = setInterval(() => { void this.checkSnoozed(gated); }, SNOOZE_TICK_MS);
    this.timer.unref();
  }

  private async checkSnoozed(gated: boolean): Promise<void> {
    if (this.checking || (gated && Date.now() < this.nextCheckAt)) return; // a slow scan never piles up
    this.checking = true;
    if (gated) this.nextCheckAt = Infinity; // snoozes made while we look lower it again
    try {
      const now = new Date();
      if (!gated) { await this.conversations.wakeSnoozed(now); return; }
      // One scan finds the earliest snooze end; the waking scan only runs when one is due.
      const next = await this.conversations.nextSnoozeEnd();
      if (next && next <= now) {
        await this.conversations.wakeSnoozed(now);
        this.nextCheckAt = 0; // the next tick looks for the one after
      } else {
        this.nextCheckAt = Math.min(this.nextCheckAt, next ? next.getTime() : Infinity, now.getTime() + SNOOZE_SAFETY_MS);
      }
    } catch (err) {
      this.nextCheckAt = 0;
      this.log.error({ err }, 'snooze wake-up failed');
    } finally {
      this.checking = false;
    }
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

import { Injectable } from '@nestjs/common';
import { ChannelSendError } from '@parley/channel-kit';
import type { ChannelKind } from '@parley/contracts';
import { Database } from '@parley/persistence';
import type { Actor } from './actor';
import { ConversationService } from './conversation.service';
import { DomainError, invalid, notDeliverable } from './errors';
import { InboxService } from './inbox.service';
import { AuditService } from './audit.service';

/** Click-to-call: the channel rings the agent's phone, then bridges the customer; call events log it. */
@Injectable()
export class CallService {
  constructor(private readonly db: Database, private readonly conversations: ConversationService, private readonly inboxes: InboxService, private readonly audit: AuditService) {}

  async start(actor: Actor, conversationId: string): Promise<{ externalId: string }> {
    const c = await this.conversations.visible(actor, conversationId);
    const inbox = await this.inboxes.get(actor.workspaceId, c.inboxId);
    const adapter = this.inboxes.adapterFor(inbox.channel as ChannelKind);
    if (!adapter.startCall) throw invalid(`the ${inbox.channel} channel cannot place calls`, { conversationId: 'not a voice channel' });
    const [user, contact] = await Promise.all([
      this.db.users.findOne({ _id: actor.userId, workspaceId: actor.workspaceId }).lean().exec(),
      this.db.contacts.findOne({ _id: c.contactId, workspaceId: actor.workspaceId }).lean().exec(),
    ]);
    if (!user?.phone) throw invalid('set your phone number in your profile first', { phone: 'required on the agent' });
    if (!contact?.phone) throw notDeliverable('the contact has no phone number');
    try {
      const r = await adapter.startCall({ inbox: this.inboxes.ref(inbox), config: this.inboxes.fullConfig(inbox) }, { agentNumber: user.phone, customerNumber: contact.phone, conversationId: c._id });
      await this.audit.record(actor.workspaceId, actor.userId, 'call.started', 'conversation', c._id, { externalId: r.externalId });
      return r;
    } catch (e) {
      if (e instanceof ChannelSendError) throw new DomainError(e.retryable ? 502 : 422, e.retryable ? 'provider_error' : 'not_deliverable', e.message);
      throw e;
    }
  }
}

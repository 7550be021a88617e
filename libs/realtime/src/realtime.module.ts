import { Module } from '@nestjs/common';
import { AuthModule } from '@parley/auth';
import { AccessChanges } from './access-changes.service';
import { AgentAuth } from './agent-auth.service';
import { AgentsGateway } from './agents.gateway';
import { AgentsHub } from './agents-hub';
import { ConversationAudience } from './conversation-audience';
import { DomainRelay } from './domain-relay.service';
import { MembershipService } from './membership.service';
import { PresenceClusterService } from './presence-cluster.service';
import { ViewersService } from './viewers.service';

/**
 * Real time for staff: the `/agents` Socket.IO namespace. Domain services stay unaware of sockets: this
 * module subscribes to DomainEvents. The Socket.IO server itself (Redis adapter, recovery) is configured by
 * ParleyIoAdapter in apps/api/src/main.ts.
 */
@Module({
  imports: [AuthModule],
  providers: [AgentsHub, AgentAuth, ConversationAudience, MembershipService, ViewersService, PresenceClusterService, DomainRelay, AccessChanges, AgentsGateway],
  exports: [AgentsHub],
})
export class RealtimeModule {}

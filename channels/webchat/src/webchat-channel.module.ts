import { Module, OnModuleInit } from '@nestjs/common';
import { ChannelAdapterRegistry } from '@parley/channel-kit';
import { WebchatAdapter } from './webchat.adapter';
import { VisitorAdmission } from './visitor-admission.service';
import { VisitorConversationService } from './visitor-conversation.service';
import { WidgetController } from './widget.controller';
import { WidgetDirectory } from './widget-directory.service';
import { WidgetGateway } from './widget.gateway';
import { WidgetRelay } from './widget-relay.service';
import { WidgetRooms } from './widget-rooms';
import { VisitorUploadGuard, WidgetUploadsController } from './widget-uploads.controller';

/** The web chat channel: the /widget namespace, its public HTTP routes and the adapter agents reply through. */
@Module({
  providers: [WebchatAdapter, WidgetDirectory, WidgetRooms, VisitorAdmission, VisitorConversationService, WidgetGateway, WidgetRelay, VisitorUploadGuard],
  controllers: [WidgetController, WidgetUploadsController],
  exports: [WebchatAdapter],
})
export class WebchatChannelModule implements OnModuleInit {
  constructor(private readonly registry: ChannelAdapterRegistry, private readonly adapter: WebchatAdapter) {}
  onModuleInit(): void { this.registry.register(this.adapter); }
}

import type { Type } from '@nestjs/common';
import { EmailChannelModule } from '@parley/channel-email';
import { TwilioChannelModule } from '@parley/channel-twilio';
import { WebchatChannelModule } from '@parley/channel-webchat';

/** Channel modules besides the API channel: one line each (DESIGN §2, "one registration"). */
export const CHANNEL_MODULES: Type[] = [
  EmailChannelModule,
  TwilioChannelModule,
  WebchatChannelModule,
];

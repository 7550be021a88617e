import type { Type } from '@nestjs/common';
import { TwilioChannelModule } from '@parley/channel-twilio';

/** Channel modules besides the API channel: one line each (DESIGN §2, "one registration"). */
export const CHANNEL_MODULES: Type[] = [
  TwilioChannelModule,
];

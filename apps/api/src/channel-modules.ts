import type { Type } from '@nestjs/common';

/** Channel modules besides the API channel: one line each (DESIGN §2, "one registration"). */
export const CHANNEL_MODULES: Type[] = [];

import { SetMetadata } from '@nestjs/common';

/**
 * Marks a route as reachable without a staff bearer token (webhooks, the widget, login, health). Lives in
 * channel-kit so channels can mark their webhook controllers without depending on libs/auth, whose global
 * guard reads the same key.
 */
export const PUBLIC_ROUTE_KEY = 'parley:public';
export const Public = () => SetMetadata(PUBLIC_ROUTE_KEY, true);

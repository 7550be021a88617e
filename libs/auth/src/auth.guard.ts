import { CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '@parley/contracts';
import { atLeast, DomainError, forbidden, unauthenticated, type Actor } from '@parley/core';
import { PUBLIC_ROUTE_KEY, Public } from '@parley/channel-kit';
import { TokenService } from './token.service';

export { Public };

export const ROLE_KEY = 'parley:role';
export const OWNER_KEY = 'parley:owner';
/** The least role that may call the route. */
export const MinRole = (role: Role) => SetMetadata(ROLE_KEY, role);
export const OwnerOnly = () => SetMetadata(OWNER_KEY, true);

export interface AuthedRequest { headers: Record<string, string | string[] | undefined>; actor?: Actor }

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const req = ctx.switchToHttp().getRequest<AuthedRequest>();
  if (!req.actor) throw unauthenticated();
  return req.actor;
});

export function bearerOf(header: string | string[] | undefined): string | null {
  const h = Array.isArray(header) ? header[0] : header;
  const m = /^Bearer\s+(\S+)$/i.exec(h ?? '');
  return m ? m[1] : null;
}

/** Global guard: every route needs a live token unless marked @Public; @MinRole checks the role. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector, private readonly tokens: TokenService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const token = bearerOf(req.headers.authorization);
    if (!token) throw unauthenticated('missing bearer token');
    const actor = await this.tokens.resolve(token);
    if (!actor) throw unauthenticated('token is invalid, expired or revoked');
    req.actor = actor;
    const role = this.reflector.getAllAndOverride<Role | undefined>(ROLE_KEY, targets);
    if (role && !atLeast(actor, role)) throw forbidden(`requires the ${role} role`);
    if (this.reflector.getAllAndOverride<boolean>(OWNER_KEY, targets) && !actor.isOwner) throw forbidden('only the instance owner may do this');
    return true;
  }
}

export { DomainError };

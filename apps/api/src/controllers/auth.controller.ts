import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { z } from 'zod';
import { CurrentActor, LoginService, PeopleService, Public, TokenService, toUserDto } from '@parley/auth';
import type { Actor } from '@parley/core';
import { parse, ZodBody } from '../http/zod-parse';

const LoginBody = z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(1000), otp: z.string().max(20).optional() });
const OtpBody = z.object({ otp: z.string().min(4).max(20) });

@Controller('api/v1')
export class AuthController {
  constructor(private readonly login: LoginService, private readonly tokens: TokenService, private readonly people: PeopleService) {}

  @Public() @Post('auth/login') @HttpCode(200)
  @ZodBody(LoginBody)
  async doLogin(@Body() body: unknown, @Ip() ip: string) {
    return this.login.login(parse(LoginBody, body), ip);
  }

  @Post('auth/logout') @HttpCode(200)
  async logout(@CurrentActor() actor: Actor) {
    await this.tokens.revoke(actor.workspaceId, actor.tokenId, actor.userId);
    return { ok: true };
  }

  @Get('me')
  async me(@CurrentActor() actor: Actor) {
    return toUserDto(await this.people.getUser(actor.workspaceId, actor.userId));
  }

  @Post('me/2fa/setup') @HttpCode(200)
  async setup(@CurrentActor() actor: Actor) {
    return this.people.setupTotp(actor);
  }

  @Post('me/2fa/enable') @HttpCode(200)
  @ZodBody(OtpBody)
  async enable(@CurrentActor() actor: Actor, @Body() body: unknown) {
    await this.people.enableTotp(actor, parse(OtpBody, body).otp);
    return { ok: true, twoFactorEnabled: true };
  }

  @Post('me/2fa/disable') @HttpCode(200)
  @ZodBody(OtpBody)
  async disable(@CurrentActor() actor: Actor, @Body() body: unknown) {
    await this.people.disableTotp(actor, parse(OtpBody, body).otp);
    return { ok: true, twoFactorEnabled: false };
  }
}

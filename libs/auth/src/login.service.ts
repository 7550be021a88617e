import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { Database } from '@parley/persistence';
import { SecretBox } from '@parley/platform';
import { DomainError, rateLimited } from '@parley/core';
import { verifyPassword } from './password';
import { checkTotp } from './totp';
import { TokenService } from './token.service';
import { toUserDto } from './user.mapper';
import type { LoginResponse } from '@parley/contracts';

/**
 * Login with throttling: failures are counted per (email, ip) and per ip; past the limit the answer is 429
 * whatever the password, so guessing is slow. A success clears the (email, ip) counter.
 */
@Injectable()
export class LoginService {
  private readonly perAccount = new RateLimiterMemory({ points: 5, duration: 15 * 60 });
  private readonly perIp = new RateLimiterMemory({ points: 30, duration: 15 * 60 });

  constructor(private readonly db: Database, private readonly tokens: TokenService, @Inject(SecretBox) private readonly box: SecretBox) {}

  async login(input: { email: string; password: string; otp?: string }, ip: string): Promise<LoginResponse> {
    const email = input.email.trim().toLowerCase();
    const key = `${email}|${ip}`;
    const [acc, byIp] = await Promise.all([this.perAccount.get(key), this.perIp.get(ip)]);
    if ((acc && acc.consumedPoints >= 5) || (byIp && byIp.consumedPoints >= 30)) {
      const wait = Math.ceil(Math.max(acc?.msBeforeNext ?? 0, byIp?.msBeforeNext ?? 0) / 1000);
      throw rateLimited(`too many failed logins; try again in ${wait} seconds`);
    }
    const user = await this.db.users.findOne({ email }).lean().exec();
    const ok = user && user.active && (await verifyPassword(user.passwordHash, input.password));
    if (!ok || !user) {
      await this.fail(key, ip);
      throw new DomainError(401, 'invalid_credentials', 'email or password is wrong');
    }
    if (user.totpEnabled && user.totpSecret) {
      if (!input.otp) throw new DomainError(401, 'otp_required', 'a one-time code from your authenticator app is required');
      if (!checkTotp(this.box.decrypt(user.totpSecret), input.otp)) {
        await this.fail(key, ip);
        throw new DomainError(401, 'invalid_credentials', 'the one-time code is wrong');
      }
    }
    await this.perAccount.delete(key);
    const { token, expiresAt } = await this.tokens.issueAccess(user);
    return { accessToken: token, expiresAt: expiresAt.toISOString(), user: toUserDto(user) };
  }

  private async fail(key: string, ip: string): Promise<void> {
    await Promise.all([
      this.perAccount.consume(key).catch((e: unknown) => { if (!(e instanceof RateLimiterRes)) throw e; }),
      this.perIp.consume(ip).catch((e: unknown) => { if (!(e instanceof RateLimiterRes)) throw e; }),
    ]);
  }
}

import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TokenService } from './token.service';
import { LoginService } from './login.service';
import { PeopleService } from './people.service';
import { AuthGuard } from './auth.guard';

@Module({
  providers: [TokenService, LoginService, PeopleService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [TokenService, LoginService, PeopleService],
})
export class AuthModule {}

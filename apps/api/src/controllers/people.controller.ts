import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { z } from 'zod';
import { CurrentActor, MinRole, OwnerOnly, PeopleService, TokenService } from '@parley/auth';
import { notFound, type Actor } from '@parley/core';
import { ROLES } from '@parley/contracts';
import { parse, ZodBody } from '../http/zod-parse';

const email = z.email('must be an email address').max(320);
const password = z.string().min(8, 'must be at least 8 characters').max(200);
const name = z.string().trim().min(1).max(200);
const UserBody = z.object({ name, email, password, role: z.enum(ROLES), phone: z.string().max(40).nullish() });
const UserPatch = z.object({ name: name.optional(), role: z.enum(ROLES).optional(), active: z.boolean().optional(), phone: z.string().max(40).nullish() }).strict();
const TeamBody = z.object({ name, memberIds: z.array(z.string()).max(1000).default([]) });
const TeamPatch = z.object({ name: name.optional(), memberIds: z.array(z.string()).max(1000).optional() }).strict();
const WorkspaceBody = z.object({ name, admin: z.object({ name, email, password }) });
const ApiTokenBody = z.object({ name });

@Controller('api/v1')
export class PeopleController {
  constructor(private readonly people: PeopleService, private readonly tokens: TokenService) {}

  @Post('users') @MinRole('admin')
  @ZodBody(UserBody)
  createUser(@CurrentActor() a: Actor, @Body() body: unknown) {
    return this.people.createUser(a.workspaceId, parse(UserBody, body), a.userId);
  }

  @Get('users')
  listUsers(@CurrentActor() a: Actor) {
    return this.people.listUsers(a.workspaceId).then((items) => ({ items }));
  }

  @Patch('users/:id') @MinRole('admin')
  @ZodBody(UserPatch)
  patchUser(@CurrentActor() a: Actor, @Param('id') id: string, @Body() body: unknown) {
    return this.people.patchUser(a, id, parse(UserPatch, body));
  }

  @Post('teams') @MinRole('admin')
  @ZodBody(TeamBody)
  createTeam(@CurrentActor() a: Actor, @Body() body: unknown) {
    return this.people.createTeam(a.workspaceId, parse(TeamBody, body));
  }

  @Get('teams')
  listTeams(@CurrentActor() a: Actor) {
    return this.people.listTeams(a.workspaceId).then((items) => ({ items }));
  }

  @Patch('teams/:id') @MinRole('admin')
  @ZodBody(TeamPatch)
  patchTeam(@CurrentActor() a: Actor, @Param('id') id: string, @Body() body: unknown) {
    return this.people.patchTeam(a.workspaceId, id, parse(TeamPatch, body));
  }

  @Post('workspaces') @OwnerOnly()
  @ZodBody(WorkspaceBody)
  createWorkspace(@CurrentActor() a: Actor, @Body() body: unknown) {
    return this.people.createWorkspace(parse(WorkspaceBody, body), a.userId);
  }

  @Post('api-tokens') @MinRole('admin')
  @ZodBody(ApiTokenBody)
  createApiToken(@CurrentActor() a: Actor, @Body() body: unknown) {
    return this.tokens.issueApi(a.workspaceId, a.userId, parse(ApiTokenBody, body).name);
  }

  @Get('api-tokens') @MinRole('admin')
  listApiTokens(@CurrentActor() a: Actor) {
    return this.tokens.listApi(a.workspaceId).then((items) => ({ items }));
  }

  @Delete('api-tokens/:id') @MinRole('admin') @HttpCode(204)
  async revokeApiToken(@CurrentActor() a: Actor, @Param('id') id: string) {
    if (!(await this.tokens.revokeApi(a.workspaceId, id))) throw notFound('api token');
  }
}

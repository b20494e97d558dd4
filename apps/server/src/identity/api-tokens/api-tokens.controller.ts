import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import type { List } from '@pharos/protocol';
import type { AuthenticatedUser } from '../access/authenticated-user';
import { SessionOnly } from '../access/api-token-scope';
import { CurrentUser } from '../access/current-user.decorator';
import { CreateApiTokenDto } from './api-tokens.dto';
import { type ApiTokenView, ApiTokensService, type CreatedApiToken } from './api-tokens.service';

/**
 * The signed-in user's personal API tokens. Only with a signed-in session, never a token: a
 * leaked token cannot mint more tokens.
 */
@Controller('api/v1/api-tokens')
@SessionOnly()
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  @Get()
  async list(@CurrentUser() user: AuthenticatedUser): Promise<List<ApiTokenView>> {
    return { items: await this.tokens.list(user.id) };
  }

  /** Answers the token itself this once; afterwards only its prefix is shown. */
  @Post()
  create(@CurrentUser() user: AuthenticatedUser, @Body() body: CreateApiTokenDto): Promise<CreatedApiToken> {
    return this.tokens.create(user, body);
  }

  /** Revokes the token at once: its next request is a 401. */
  @Delete(':id')
  revoke(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string): Promise<ApiTokenView> {
    return this.tokens.revoke(user, id);
  }
}

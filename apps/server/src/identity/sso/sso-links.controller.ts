import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import type { OidcIdentityView } from '@pharos/protocol';
import type { AuthenticatedUser } from '../access/authenticated-user';
import { CurrentUser } from '../access/current-user.decorator';
import { Roles } from '../access/roles.decorator';
import { LinkOidcIdentityDto } from './sso.dto';
import { SsoLinksService, toOidcIdentityView } from './sso-links.service';

/** Which provider account a user signs in as (admins). */
@Controller('api/v1/users/:id/oidc-identity')
@Roles('admin')
export class SsoLinksController {
  constructor(private readonly links: SsoLinksService) {}

  @Get()
  async get(@Param('id') id: string): Promise<OidcIdentityView> {
    return toOidcIdentityView(await this.links.identityOf(id));
  }

  @Put()
  async link(@CurrentUser() actor: AuthenticatedUser, @Param('id') id: string, @Body() body: LinkOidcIdentityDto): Promise<OidcIdentityView> {
    return toOidcIdentityView(await this.links.link(actor, id, body.subject));
  }

  @Delete()
  @HttpCode(204)
  async unlink(@CurrentUser() actor: AuthenticatedUser, @Param('id') id: string): Promise<void> {
    await this.links.unlink(actor, id);
  }
}

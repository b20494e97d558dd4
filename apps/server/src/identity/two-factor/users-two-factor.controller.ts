import { Body, Controller, Delete, Get, HttpCode, Param, Patch } from '@nestjs/common';
import type { List, UserTwoFactorView } from '@pharos/protocol';
import type { AuthenticatedUser } from '../access/authenticated-user';
import { CurrentUser } from '../access/current-user.decorator';
import { Roles } from '../access/roles.decorator';
import { TwoFactorRequiredDto } from './two-factor.dto';
import { TwoFactorService } from './two-factor.service';

/** Admins: who has two-factor sign-in, who must, and resetting it for a user who lost their device. */
@Controller('api/v1/users')
@Roles('admin')
export class UsersTwoFactorController {
  constructor(private readonly twoFactor: TwoFactorService) {}

  @Get('two-factor')
  async list(): Promise<List<UserTwoFactorView>> {
    return { items: await this.twoFactor.list() };
  }

  /** From the next sign-in on, the user must have it (one without it enrols after the password). */
  @Patch(':id/two-factor')
  setRequired(@CurrentUser() actor: AuthenticatedUser, @Param('id') id: string, @Body() body: TwoFactorRequiredDto): Promise<UserTwoFactorView> {
    return this.twoFactor.setRequired(actor, id, body.required);
  }

  @Delete(':id/two-factor')
  @HttpCode(204)
  async reset(@CurrentUser() actor: AuthenticatedUser, @Param('id') id: string): Promise<void> {
    await this.twoFactor.reset(actor, id);
  }
}

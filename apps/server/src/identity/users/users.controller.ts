import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import type { List, PasswordReset } from '@pharos/protocol';
import type { AuthenticatedUser } from '../access/authenticated-user';
import { CurrentUser } from '../access/current-user.decorator';
import { Roles } from '../access/roles.decorator';
import { CreateUserDto, ResetPasswordDto, UpdateUserDto } from './users.dto';
import { toPasswordReset, toUserView, type UserView, UsersService } from './users.service';

@Controller('api/v1/users')
@Roles('admin')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  async list(): Promise<List<UserView>> {
    return { items: (await this.users.list()).map(toUserView) };
  }

  @Post()
  async create(@CurrentUser() actor: AuthenticatedUser, @Body() body: CreateUserDto): Promise<UserView> {
    return toUserView(await this.users.create(body.username, body.password, body.role ?? 'admin', actor));
  }

  /** Role and disabled; a disabled user's sessions end at once. */
  @Patch(':id')
  async update(@CurrentUser() actor: AuthenticatedUser, @Param('id') id: string, @Body() body: UpdateUserDto): Promise<UserView> {
    return toUserView(await this.users.update(actor, id, body));
  }

  /** Sets the given password, or generates one and answers it (once); the user is signed out. */
  @Post(':id/password')
  @HttpCode(200)
  async resetPassword(@CurrentUser() actor: AuthenticatedUser, @Param('id') id: string, @Body() body: ResetPasswordDto): Promise<PasswordReset> {
    return toPasswordReset(await this.users.resetPassword(actor, id, body.password));
  }
}

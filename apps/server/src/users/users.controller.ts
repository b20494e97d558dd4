import { Body, Controller, Get, Post } from '@nestjs/common';
import { Roles } from '../auth/roles.decorator';
import { CreateUserDto } from './users.dto';
import { toUserView, type UserView, UsersService } from './users.service';

@Controller('api/v1/users')
@Roles('admin')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  async list(): Promise<{ items: UserView[] }> {
    return { items: (await this.users.list()).map(toUserView) };
  }

  @Post()
  async create(@Body() body: CreateUserDto): Promise<UserView> {
    return toUserView(await this.users.create(body.username, body.password, body.role ?? 'admin'));
  }
}

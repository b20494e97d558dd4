import { Body, Controller, Get, Headers, HttpCode, Ip, Post } from '@nestjs/common';
import { NotFoundError } from '../../platform/errors/domain-errors';
import { toUserView, type UserView, UsersService } from '../users/users.service';
import type { AuthenticatedUser } from '../access/authenticated-user';
import { LoginDto, RefreshDto } from './auth.dto';
import { AuthService, type TokenPair } from './auth.service';
import { CurrentUser } from '../access/current-user.decorator';
import { Public } from '../../platform/http/public-route';

@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  login(@Body() body: LoginDto, @Ip() ip: string, @Headers('user-agent') userAgent?: string): Promise<TokenPair> {
    return this.auth.login(body.username, body.password, ip, userAgent);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  refresh(@Body() body: RefreshDto, @Headers('user-agent') userAgent?: string): Promise<TokenPair> {
    return this.auth.refresh(body.refreshToken, userAgent);
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  async logout(@Body() body: RefreshDto): Promise<void> {
    await this.auth.logout(body.refreshToken);
  }

  @Get('me')
  async me(@CurrentUser() current: AuthenticatedUser): Promise<UserView> {
    const user = await this.users.findById(current.id);
    if (!user) throw new NotFoundError('user no longer exists');
    return toUserView(user);
  }
}

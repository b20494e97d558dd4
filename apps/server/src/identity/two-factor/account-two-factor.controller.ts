import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import type { User } from '@pharos/database';
import type { RecoveryCodes, TotpEnrolment, TwoFactorStatus } from '@pharos/protocol';
import { ForbiddenError, NotFoundError } from '../../platform/errors/domain-errors';
import { SessionOnly } from '../access/api-token-scope';
import type { AuthenticatedUser } from '../access/authenticated-user';
import { CurrentUser } from '../access/current-user.decorator';
import { verifyPassword } from '../users/password-hasher';
import { UsersService } from '../users/users.service';
import { DisableTwoFactorDto, TotpCodeDto } from './two-factor.dto';
import { TwoFactorSignIn } from './two-factor-sign-in';
import { TwoFactorService } from './two-factor.service';

/**
 * The signed-in user's own two-factor sign-in (any role). Changes need a current code; turning it
 * off, the password too. A signed-in session only: an API token has no say in how its user signs in.
 */
@Controller('api/v1/account/two-factor')
@SessionOnly()
export class AccountTwoFactorController {
  constructor(
    private readonly twoFactor: TwoFactorService,
    private readonly signIn: TwoFactorSignIn,
    private readonly users: UsersService,
  ) {}

  @Get()
  async status(@CurrentUser() current: AuthenticatedUser): Promise<TwoFactorStatus> {
    return this.twoFactor.status(await this.userOf(current));
  }

  /** A new secret (QR code and text), pending until `totp/confirm`. */
  @Post('totp/enrol')
  @HttpCode(200)
  async enrol(@CurrentUser() current: AuthenticatedUser): Promise<TotpEnrolment> {
    return this.twoFactor.startEnrolment(await this.userOf(current));
  }

  /** The first code of the new secret turns it on; the recovery codes are answered this once. */
  @Post('totp/confirm')
  @HttpCode(200)
  async confirm(@CurrentUser() current: AuthenticatedUser, @Body() body: TotpCodeDto, @Ip() ip: string): Promise<RecoveryCodes> {
    const user = await this.userOf(current);
    let recoveryCodes: string[] | null = null;
    await this.signIn.proven(user, ip, wrongCode(), async () => (recoveryCodes = await this.twoFactor.confirmEnrolment(user, body.code)) !== null);
    return { recoveryCodes: recoveryCodes! };
  }

  @Post('totp/disable')
  @HttpCode(204)
  async disable(@CurrentUser() current: AuthenticatedUser, @Body() body: DisableTwoFactorDto, @Ip() ip: string): Promise<void> {
    const user = await this.userOf(current);
    await this.twoFactor.assertEnabled(user);
    const refusal = new ForbiddenError('wrong password or two-factor code');
    await this.signIn.proven(user, ip, refusal, async () => (await verifyPassword(body.password, user.passwordHash)) && this.twoFactor.useTotpCode(user, body.code));
    await this.twoFactor.disable(user);
  }

  /** A new set of recovery codes (the old ones stop working), answered this once. */
  @Post('recovery-codes')
  @HttpCode(200)
  async regenerateRecoveryCodes(@CurrentUser() current: AuthenticatedUser, @Body() body: TotpCodeDto, @Ip() ip: string): Promise<RecoveryCodes> {
    const user = await this.userOf(current);
    await this.twoFactor.assertEnabled(user);
    await this.signIn.proven(user, ip, wrongCode(), () => this.twoFactor.useTotpCode(user, body.code));
    return { recoveryCodes: await this.twoFactor.regenerateRecoveryCodes(user) };
  }

  private async userOf(current: AuthenticatedUser): Promise<User> {
    const user = await this.users.findById(current.id);
    if (!user) throw new NotFoundError('user no longer exists');
    return user;
  }
}

function wrongCode(): ForbiddenError {
  return new ForbiddenError('invalid two-factor code');
}

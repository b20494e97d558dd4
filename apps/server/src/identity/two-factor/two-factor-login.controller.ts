import { Body, Controller, HttpCode, Ip, Post, Req, Res } from '@nestjs/common';
import type { TotpEnrolment, TwoFactorSession } from '@pharos/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../../platform/http/public-route';
import { inCookie } from '../auth/auth.controller';
import { TwoFactorEnrolmentDto, TwoFactorLoginDto } from './two-factor.dto';
import { TwoFactorSignIn } from './two-factor-sign-in';

/** The second step of a sign-in that `POST /api/v1/auth/login` answered with a challenge. */
@Controller('api/v1/auth/login/two-factor')
export class TwoFactorLoginController {
  constructor(private readonly signIn: TwoFactorSignIn) {}

  /** The code (or a recovery code; after an enrolment, its first code): the session, as the password login would have answered it. */
  @Public()
  @Post()
  @HttpCode(200)
  async complete(@Body() body: TwoFactorLoginDto, @Ip() ip: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<TwoFactorSession> {
    const { recoveryCodes, ...pair } = await this.signIn.complete(body, ip, request.headers['user-agent']);
    const session = body.refreshCookie ? inCookie(pair, request, reply) : pair;
    return recoveryCodes ? { ...session, recoveryCodes } : session;
  }

  /** For an `enrol` challenge: the new TOTP secret, its URI and QR code. */
  @Public()
  @Post('enrol')
  @HttpCode(200)
  enrol(@Body() body: TwoFactorEnrolmentDto): Promise<TotpEnrolment> {
    return this.signIn.startEnrolment(body.challenge);
  }
}

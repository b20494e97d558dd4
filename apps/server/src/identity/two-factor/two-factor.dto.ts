import type { TwoFactorLoginRequest } from '@pharos/protocol';
import { IsBoolean, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { Optional } from '../../platform/http/field-rules';
import { TOTP_CODE_PATTERN } from './totp';

const CODE_MESSAGE = 'code must be the 6 digits the authenticator app shows';

/** Long enough for any sealed challenge (a few hundred characters), short enough to refuse junk early. */
const CHALLENGE_MAX_LENGTH = 1024;

export class TwoFactorLoginDto implements TwoFactorLoginRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(CHALLENGE_MAX_LENGTH)
  challenge!: string;

  @Optional()
  @IsString()
  @Matches(TOTP_CODE_PATTERN, { message: CODE_MESSAGE })
  code?: string;

  /** Typed as shown (`k7qm-2xdp-vhe4-nw3a`), any case, with or without dashes. */
  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  recoveryCode?: string;

  @Optional()
  @IsBoolean()
  refreshCookie?: boolean;
}

export class TwoFactorEnrolmentDto {
  @IsString()
  @MinLength(1)
  @MaxLength(CHALLENGE_MAX_LENGTH)
  challenge!: string;
}

export class TotpCodeDto {
  @IsString()
  @Matches(TOTP_CODE_PATTERN, { message: CODE_MESSAGE })
  code!: string;
}

export class DisableTwoFactorDto extends TotpCodeDto {
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password!: string;
}

export class TwoFactorRequiredDto {
  @IsBoolean({ message: 'required must be true or false' })
  required!: boolean;
}

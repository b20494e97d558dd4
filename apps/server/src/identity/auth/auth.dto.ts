import { IsBoolean, IsString, MaxLength, MinLength } from 'class-validator';
import { Optional } from '../../platform/http/field-rules';

export class LoginDto {
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  username!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password!: string;

  /**
   * True (the dashboard): the refresh token comes back as an httpOnly cookie sent only to
   * `POST /api/v1/auth/refresh`, not in the body (`refresh-cookie.ts`).
   */
  @Optional()
  @IsBoolean()
  refreshCookie?: boolean;
}

export class LogoutDto {
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  refreshToken!: string;
}

/** The token in the body (API clients); without one, the refresh cookie (the dashboard). */
export class RefreshDto {
  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  refreshToken?: string;
}

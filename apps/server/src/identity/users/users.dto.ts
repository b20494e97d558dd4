import type { PasswordResetRequest, UserChanges } from '@pharos/protocol';
import { IsBoolean, IsIn, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { MIN_PASSWORD_LENGTH, USERNAME_PATTERN } from './users.service';
import { Optional } from '../../platform/http/field-rules';

export class CreateUserDto {
  @IsString()
  @Matches(USERNAME_PATTERN, { message: 'username must be 2-64 characters: letters, digits, . _ @ -' })
  username!: string;

  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(1024)
  password!: string;

  @Optional()
  @IsIn(['admin', 'viewer'])
  role?: 'admin' | 'viewer';
}

export class UpdateUserDto implements UserChanges {
  @Optional()
  @IsIn(['admin', 'viewer'], { message: 'role must be admin or viewer' })
  role?: 'admin' | 'viewer';

  @Optional()
  @IsBoolean({ message: 'disabled must be true or false' })
  disabled?: boolean;
}

export class ResetPasswordDto implements PasswordResetRequest {
  @Optional()
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH, { message: `password must be at least ${MIN_PASSWORD_LENGTH} characters` })
  @MaxLength(1024)
  password?: string;
}

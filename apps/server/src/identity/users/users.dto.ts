import type { PasswordResetRequest, UserChanges } from '@pharos/protocol';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { MIN_PASSWORD_LENGTH, USERNAME_PATTERN } from './users.service';

export class CreateUserDto {
  @IsString()
  @Matches(USERNAME_PATTERN, { message: 'username must be 2-64 characters: letters, digits, . _ @ -' })
  username!: string;

  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(1024)
  password!: string;

  @IsOptional()
  @IsIn(['admin', 'viewer'])
  role?: 'admin' | 'viewer';
}

export class UpdateUserDto implements UserChanges {
  @IsOptional()
  @IsIn(['admin', 'viewer'], { message: 'role must be admin or viewer' })
  role?: 'admin' | 'viewer';

  @IsOptional()
  @IsBoolean({ message: 'disabled must be true or false' })
  disabled?: boolean;
}

export class ResetPasswordDto implements PasswordResetRequest {
  @IsOptional()
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH, { message: `password must be at least ${MIN_PASSWORD_LENGTH} characters` })
  @MaxLength(1024)
  password?: string;
}

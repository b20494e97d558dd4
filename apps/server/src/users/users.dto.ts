import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
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

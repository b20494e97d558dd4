import { API_TOKEN_MAX_DAYS, API_TOKEN_SCOPES, type ApiTokenScope, type NewApiToken } from '@pharos/protocol';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, Max, Min } from 'class-validator';
import { DisplayName } from '../../platform/http/field-rules';

export class CreateApiTokenDto implements NewApiToken {
  /** What the token is for (“backup script”): lists and audit entries name it. */
  @DisplayName(64)
  name!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(API_TOKEN_SCOPES.length)
  @IsIn(API_TOKEN_SCOPES, { each: true })
  scopes!: ApiTokenScope[];

  /** Every token expires: 1 day to a year (`API_TOKEN_MAX_DAYS`). */
  @IsInt()
  @Min(1)
  @Max(API_TOKEN_MAX_DAYS)
  expiresInDays!: number;
}

import { DOCKER_ACTIONS, type DockerAction } from '@pharos/protocol';
import { IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PageQuery } from '../../platform/http/page-query';
import { Optional } from '../../platform/http/field-rules';

const MAX_EXPIRY_SECONDS = 30 * 86_400;

export class RunCommandDto {
  @IsString()
  @MinLength(1)
  @MaxLength(16_384)
  // A NUL cannot reach a shell intact.
  // eslint-disable-next-line no-control-regex
  @Matches(/^[^\u0000]*$/, { message: 'command must not contain NUL characters' })
  command!: string;

  /** How long the command may wait for an offline agent (default COMMAND_EXPIRY_SECONDS). */
  @Optional()
  @IsInt()
  @Min(1)
  @Max(MAX_EXPIRY_SECONDS)
  expiresInSeconds?: number;
}

export class DockerCommandDto {
  @IsIn(DOCKER_ACTIONS, { message: `action must be one of ${DOCKER_ACTIONS.join(', ')}` })
  action!: DockerAction;

  /** A container id (full or short) or name, as Docker accepts them. */
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, { message: 'containerId must be a Docker container id or name' })
  containerId!: string;

  @Optional()
  @IsInt()
  @Min(1)
  @Max(MAX_EXPIRY_SECONDS)
  expiresInSeconds?: number;
}

export class CommandListQuery extends PageQuery {
  @Optional()
  @IsIn(['shell', 'docker'])
  kind?: 'shell' | 'docker';

  @Optional()
  @IsIn(['pending', 'sent', 'completed', 'failed', 'timed_out'])
  state?: 'pending' | 'sent' | 'completed' | 'failed' | 'timed_out';
}

import { ArrayMaxSize, ArrayMinSize, IsIn, IsString, Matches } from 'class-validator';
import { NODE_RELEASE_OS, type NodeReleaseOs } from '@pharos/protocol';
import { RELEASE_VERSION } from './release-targeting';
import { Label, Optional } from '../../platform/http/field-rules';

const VERSION_MESSAGE = 'version must be 1-64 of 0-9 A-Z a-z . + _ - (one path segment, not . or ..)';

/** `POST /api/v1/releases?version=&os=&arch=`, the binary as an application/octet-stream body. */
export class UploadReleaseQuery {
  @IsString()
  @Matches(RELEASE_VERSION, { message: VERSION_MESSAGE })
  version!: string;

  @IsIn(NODE_RELEASE_OS)
  os!: NodeReleaseOs;

  /** Go's GOARCH name (amd64, arm64, …); `x86_64` and `aarch64` are understood. */
  @IsString()
  @Matches(/^[a-z0-9_]{1,16}$/i, { message: 'arch must be a Go architecture name such as amd64 or arm64' })
  arch!: string;
}

export class CreateTargetsDto {
  @IsString()
  @Matches(RELEASE_VERSION, { message: VERSION_MESSAGE })
  version!: string;

  @IsIn(['all', 'group', 'servers'])
  scope!: 'all' | 'group' | 'servers';

  @Optional()
  @Label()
  group?: string;

  @Optional()
  @IsString({ each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  serverIds?: string[];
}

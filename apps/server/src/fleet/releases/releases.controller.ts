import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { List, ReleaseTargetView, ReleaseView, RolloutProgress } from '@pharos/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import type { AuthenticatedUser } from '../../identity/access/authenticated-user';
import { CurrentUser } from '../../identity/access/current-user.decorator';
import { RequiresScope } from '../../identity/access/api-token-scope';
import { Roles } from '../../identity/access/roles.decorator';
import { InvalidInputError } from '../../platform/errors/domain-errors';
import { BodySchema } from '../../platform/openapi/api-schema';
import { CreateTargetsDto, UploadReleaseQuery } from './releases.dto';
import { ReleasesService } from './releases.service';
import { UpdateOffersService } from './update-offers.service';

/** Node self-update: releases, the targets that aim them at nodes, and rollout progress. */
@Controller('api/v1/releases')
export class ReleasesController {
  constructor(
    private readonly releases: ReleasesService,
    private readonly offers: UpdateOffersService,
  ) {}

  /** Upload a binary: `POST /api/v1/releases?version=0.3.0&os=linux&arch=amd64`, body application/octet-stream. */
  @Post()
  @Roles('admin')
  @RequiresScope('releases:manage')
  @BodySchema({ type: 'string', contentMediaType: 'application/octet-stream' }, 'application/octet-stream')
  async upload(
    @Query() query: UploadReleaseQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<ReleaseView> {
    if (!(request.body instanceof Readable)) {
      throw new InvalidInputError('send the binary as the request body, with Content-Type: application/octet-stream', 'body');
    }
    const declared = request.headers['content-length'];
    try {
      return await this.releases.upload(query, request.body, declared === undefined ? undefined : Number(declared), user);
    } catch (error) {
      // The rest of the body was not read: the connection cannot carry another request.
      if (!request.body.readableEnded) reply.header('connection', 'close');
      throw error;
    }
  }

  @Get()
  async list(): Promise<List<ReleaseView>> {
    return { items: await this.releases.list() };
  }

  @Get('targets')
  async targets(): Promise<List<ReleaseTargetView>> {
    return { items: await this.releases.listTargets() };
  }

  /** Aim a version at all nodes, a group, or chosen nodes. */
  @Post('targets')
  @Roles('admin')
  @RequiresScope('releases:manage')
  async addTargets(@Body() body: CreateTargetsDto, @CurrentUser() user: AuthenticatedUser): Promise<List<ReleaseTargetView>> {
    return { items: await this.releases.addTargets(body, user) };
  }

  @Delete('targets/:id')
  @Roles('admin')
  @RequiresScope('releases:manage')
  @HttpCode(204)
  removeTarget(@Param('id') id: string, @CurrentUser() user: AuthenticatedUser): Promise<void> {
    return this.releases.removeTarget(id, user);
  }

  /** Node by node: offered, updated (reports the version), pending, or why not eligible. */
  @Get('rollouts/:version')
  rollout(@Param('version') version: string): Promise<RolloutProgress> {
    return this.offers.rollout(version);
  }

  @Delete(':id')
  @Roles('admin')
  @RequiresScope('releases:manage')
  @HttpCode(204)
  delete(@Param('id') id: string, @CurrentUser() user: AuthenticatedUser): Promise<void> {
    return this.releases.delete(id, user);
  }
}

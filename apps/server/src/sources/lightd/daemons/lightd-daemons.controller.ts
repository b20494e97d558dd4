import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import type { AuthenticatedUser } from '../../../identity/access/authenticated-user';
import { CurrentUser } from '../../../identity/access/current-user.decorator';
import { Roles } from '../../../identity/access/roles.decorator';
import type { DaemonDetailView, DaemonView, IssuedRemoteToken } from '@pharos/protocol';
import { DaemonIdParam, RegisterDaemonDto, UpdateDaemonDto } from './lightd-daemons.dto';
import { LightdDaemonsService } from './lightd-daemons.service';

/** Admins register Lightd daemons and manage their tokens; viewers may read. */
@Controller('api/v1/lightd/daemons')
export class LightdDaemonsController {
  constructor(private readonly daemons: LightdDaemonsService) {}

  @Get()
  async list(): Promise<{ items: DaemonView[] }> {
    return { items: await this.daemons.list() };
  }

  /** The remote token is in this answer only: Pharos keeps its hash. */
  @Post()
  @Roles('admin')
  register(@CurrentUser() user: AuthenticatedUser, @Body() body: RegisterDaemonDto): Promise<IssuedRemoteToken> {
    return this.daemons.register(user, body);
  }

  @Get(':id')
  get(@Param() { id }: DaemonIdParam): Promise<DaemonDetailView> {
    return this.daemons.get(id);
  }

  @Patch(':id')
  @Roles('admin')
  update(@CurrentUser() user: AuthenticatedUser, @Param() { id }: DaemonIdParam, @Body() body: UpdateDaemonDto): Promise<DaemonDetailView> {
    return this.daemons.update(user, id, body);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  async remove(@CurrentUser() user: AuthenticatedUser, @Param() { id }: DaemonIdParam): Promise<void> {
    await this.daemons.remove(user, id);
  }

  @Post(':id/remote-token')
  @Roles('admin')
  rotateRemoteToken(@CurrentUser() user: AuthenticatedUser, @Param() { id }: DaemonIdParam): Promise<IssuedRemoteToken> {
    return this.daemons.rotateRemoteToken(user, id);
  }

  @Delete(':id/remote-token')
  @Roles('admin')
  @HttpCode(204)
  async revokeRemoteToken(@CurrentUser() user: AuthenticatedUser, @Param() { id }: DaemonIdParam): Promise<void> {
    await this.daemons.revokeRemoteToken(user, id);
  }
}

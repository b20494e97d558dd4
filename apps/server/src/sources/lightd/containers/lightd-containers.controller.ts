import { Controller, Get, Param, Query } from '@nestjs/common';
import type { ContainerHistoryPage, ContainerView } from '@pharos/protocol';
import { DaemonIdParam } from '../daemons/lightd-daemons.dto';
import { ContainerFilterQuery, ContainerHistoryQuery, ContainerIdParam, ListContainersQuery } from './lightd-containers.dto';
import { type ContainerPage, LightdContainersService } from './lightd-containers.service';

/** Lightd containers as their daemons reported them (read-only: Lightd is the authority). */
@Controller('api/v1/lightd')
export class LightdContainersController {
  constructor(private readonly containers: LightdContainersService) {}

  @Get('containers')
  list(@Query() query: ListContainersQuery): Promise<ContainerPage> {
    return this.containers.list(query);
  }

  @Get('daemons/:id/containers')
  listOfDaemon(@Param() { id }: DaemonIdParam, @Query() query: ContainerFilterQuery): Promise<ContainerPage> {
    return this.containers.listOfDaemon(id, query);
  }

  @Get('containers/:id')
  get(@Param() { id }: ContainerIdParam): Promise<ContainerView> {
    return this.containers.get(id);
  }

  @Get('containers/:id/history')
  history(@Param() { id }: ContainerIdParam, @Query() query: ContainerHistoryQuery): Promise<ContainerHistoryPage> {
    return this.containers.history(id, query);
  }
}

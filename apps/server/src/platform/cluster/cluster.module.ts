import { Global, Module } from '@nestjs/common';
import { FleetEventBus, InProcessFleetEventBus } from '../events/fleet-event-bus';
import { ClusterController } from './cluster.controller';
import { ClusterMembership } from './cluster-membership';
import { JobLeases } from './job-leases';
import { RedisConnection } from './redis-connection';
import { RedisFleetEventBus } from './redis-fleet-event-bus';
import { SharedWindows } from './shared-windows';

/**
 * Single process or cluster (`REDIS_URL`), for every module: the fleet event bus (in-process,
 * or spanning the instances through Redis), job leases (one runner per job), shared throttle
 * windows and this instance's membership (`GET /api/v1/cluster`).
 */
@Global()
@Module({
  controllers: [ClusterController],
  providers: [
    RedisConnection,
    {
      provide: FleetEventBus,
      inject: [RedisConnection],
      useFactory: (redis: RedisConnection) => (redis.clustered ? new RedisFleetEventBus(redis) : new InProcessFleetEventBus()),
    },
    JobLeases,
    ClusterMembership,
    SharedWindows,
  ],
  exports: [RedisConnection, FleetEventBus, JobLeases, ClusterMembership, SharedWindows],
})
export class ClusterModule {}

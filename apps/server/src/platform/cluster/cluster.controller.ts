import { Controller, Get } from '@nestjs/common';
import { ClusterMembership, type ClusterView } from './cluster-membership';

/** The Pharos instances of the cluster (this one alone without cluster mode), for signed-in users. */
@Controller('api/v1/cluster')
export class ClusterController {
  constructor(private readonly membership: ClusterMembership) {}

  @Get()
  view(): Promise<ClusterView> {
    return this.membership.view();
  }
}

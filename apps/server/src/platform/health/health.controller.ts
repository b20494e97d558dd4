import { Controller, Get, HttpCode } from '@nestjs/common';
import { ServiceUnavailableError } from '../errors/domain-errors';
import { Public } from '../http/public-route';
import { HealthService } from './health.service';

/** Liveness and readiness for orchestrators. (`/health` belongs to the Lightd remote protocol.) */
@Public()
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('healthz')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async ready(): Promise<{ status: 'ready'; database: 'up' }> {
    const problem = await this.health.readinessProblem();
    if (problem) throw new ServiceUnavailableError(problem, 1);
    return { status: 'ready', database: 'up' };
  }
}

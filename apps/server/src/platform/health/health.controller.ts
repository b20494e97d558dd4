import { Controller, Get, HttpCode, ServiceUnavailableException } from '@nestjs/common';
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
    if (problem) throw new ServiceUnavailableException(problem);
    return { status: 'ready', database: 'up' };
  }
}

import { Controller, Get, Header, Headers } from '@nestjs/common';
import { Registry } from 'prom-client';
import { PharosConfig } from '../config/pharos-config';
import { NotFoundError, UnauthorizedError } from '../errors/domain-errors';
import { Public } from '../http/public-route';
import { AnswerSchema } from '../openapi/api-schema';
import { secretsEqual } from '../secrets/secret-token';
import { PrometheusMetrics } from './prometheus-metrics';

/** The path Prometheus scrapes. */
export const PROMETHEUS_PATH = '/metrics';

/**
 * `GET /metrics`: the exposition, for Prometheus. 404 unless `PROMETHEUS_ENABLED`; with a
 * `PROMETHEUS_TOKEN`, 401 without `Authorization: Bearer <that token>` (compared in constant
 * time). Not behind an admin session: a scraper has none.
 */
@Controller()
export class PrometheusController {
  constructor(
    private readonly metrics: PrometheusMetrics,
    private readonly config: PharosConfig,
  ) {}

  @Public()
  @Get(PROMETHEUS_PATH)
  @AnswerSchema({ type: 'string', description: 'The Prometheus text exposition format 0.0.4' }, 'text/plain')
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  async scrape(@Headers('authorization') authorization?: string): Promise<string> {
    const { enabled, token } = this.config.prometheus;
    if (!enabled) throw new NotFoundError('the Prometheus endpoint is off (PROMETHEUS_ENABLED)');
    if (token !== undefined && !secretsEqual(bearerOf(authorization), token)) {
      throw new UnauthorizedError('send Authorization: Bearer <PROMETHEUS_TOKEN>');
    }
    return (await this.metrics.scrape()).body;
  }
}

function bearerOf(authorization: string | undefined): string {
  const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
  return match?.[1] ?? '';
}

import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { isDatabaseUnavailable } from '@pharos/database';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { DatabaseOutage } from '../database/database-outage';
import { DomainError, ServiceUnavailableError, TooManyRequestsError } from './domain-errors';

/** The JSON body of every error reply. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  field?: string;
  fields?: { field: string; reason: string }[];
  requestId?: string;
}

/**
 * The one place errors become HTTP replies: domain errors keep their status, Nest and Fastify
 * client errors (validation, unknown route, bad JSON, too large) keep theirs, a database that
 * cannot be reached or does not answer in time is a 503 with `Retry-After` (counted by
 * `DatabaseOutage`, which logs the outage once per interval, not once per request), anything
 * else is a 500 whose details go to the log and never to the client.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  constructor(private readonly outage: DatabaseOutage) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    if (!(exception instanceof DomainError) && !(exception instanceof HttpException) && isDatabaseUnavailable(exception)) {
      this.outage.refused(exception);
      exception = new ServiceUnavailableError('the database is unavailable: try again later');
    }
    const body = this.toBody(exception);
    body.requestId = request.id;
    if (body.statusCode >= 500 && !(exception instanceof ServiceUnavailableError)) {
      this.logger.error({ err: exception, reqId: request.id, url: request.url }, 'request failed');
    }
    if (exception instanceof TooManyRequestsError || exception instanceof ServiceUnavailableError) {
      reply.header('retry-after', String(exception.retryAfterSeconds));
    }
    void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      return {
        statusCode: exception.status,
        error: reason(exception.status),
        message: exception.message,
        ...('field' in exception && exception.field ? { field: exception.field as string } : {}),
      };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      const body: ErrorBody = { statusCode, error: reason(statusCode), message: exception.message };
      if (typeof response === 'object' && response !== null) {
        const r = response as { message?: unknown; fields?: ErrorBody['fields'] };
        if (typeof r.message === 'string') body.message = r.message;
        else if (Array.isArray(r.message)) body.message = r.message.join('; ');
        if (r.fields) {
          body.fields = r.fields;
          body.field = r.fields[0]?.field;
        }
      }
      return body;
    }
    // Fastify's own client errors (malformed JSON, body too large, bad content type).
    const statusCode = (exception as { statusCode?: unknown })?.statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      return { statusCode, error: reason(statusCode), message: (exception as Error).message };
    }
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      error: reason(HttpStatus.INTERNAL_SERVER_ERROR),
      message: 'Internal server error',
    };
  }
}

function reason(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

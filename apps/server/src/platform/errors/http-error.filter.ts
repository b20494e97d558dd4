import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { DomainError, TooManyRequestsError } from './domain-errors';

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
 * client errors (validation, unknown route, bad JSON, too large) keep theirs, anything else is
 * a 500 whose details go to the log and never to the client.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const body = this.toBody(exception);
    body.requestId = request.id;
    if (body.statusCode >= 500) {
      this.logger.error({ err: exception, reqId: request.id, url: request.url }, 'request failed');
    }
    if (exception instanceof TooManyRequestsError) reply.header('retry-after', String(exception.retryAfterSeconds));
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

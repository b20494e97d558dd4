import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

export const RELEASE_UPLOAD_PATH = '/api/v1/releases';

/**
 * Release binaries arrive as `application/octet-stream` bodies, handed to the upload route as
 * the request stream itself: they are written to disk as they come (with their own size
 * limit), never held whole in memory or bound by the JSON body limit. No other route takes
 * this content type.
 */
@Injectable()
export class ReleaseUploadBody implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || fastify.hasContentTypeParser('application/octet-stream')) return;
    fastify.addContentTypeParser('application/octet-stream', (request, payload, done) => {
      if (request.method === 'POST' && request.routeOptions.url === RELEASE_UPLOAD_PATH) return done(null, payload);
      done(Object.assign(new Error('application/octet-stream is accepted for release uploads only'), { statusCode: 415 }), undefined);
    });
  }
}

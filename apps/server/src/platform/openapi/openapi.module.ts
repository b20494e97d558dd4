import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { OpenApiController } from './openapi.controller';
import { OpenApiDocument } from './openapi-document';

/** The OpenAPI document of every route, and Swagger UI showing it. */
@Module({ imports: [DiscoveryModule], controllers: [OpenApiController], providers: [OpenApiDocument], exports: [OpenApiDocument] })
export class OpenApiModule {}

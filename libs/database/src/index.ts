export * from './database-target';
export * from './data-refusal';
export { pgliteTemplateFile } from './pglite-template';
export * from './database.module';
export * from './prisma.service';
export * from './migrations/migrations';
export { SchemaEngineError } from './migrations/schema-engine';
export * from './generated/prisma/client';
export { useLz4Compression } from './storage-tuning';

import { SetMetadata } from '@nestjs/common';

/**
 * What the OpenAPI document (`openapi-document.ts`) cannot read from a route's own signature:
 * the schema of a body or an answer that a wire protocol validates itself (a TypeBox schema
 * from `libs/protocol`, the very object its validator was compiled from), and how a guard's
 * credential is presented. Class-validator DTOs need none of this: their metadata is read.
 */

/** A JSON Schema object (TypeBox schemas are ones). */
export type JsonSchema = Record<string, unknown>;

export const BODY_SCHEMA_KEY = 'pharos:openapi:body';
export const ANSWER_SCHEMA_KEY = 'pharos:openapi:answer';

export interface DocumentedContent {
  schema: JsonSchema;
  contentType: string;
}

/**
 * The body a route takes as `unknown` and validates against `schema` itself (a wire protocol),
 * or a body that is not JSON (`application/octet-stream`).
 */
export const BodySchema = (schema: JsonSchema, contentType = 'application/json') =>
  SetMetadata<string, DocumentedContent>(BODY_SCHEMA_KEY, { schema, contentType });

/** The answer of a route whose reply has a schema (`libs/protocol`). */
export const AnswerSchema = (schema: JsonSchema, contentType = 'application/json') =>
  SetMetadata<string, DocumentedContent>(ANSWER_SCHEMA_KEY, { schema, contentType });

export const REQUIREMENT_KEY = 'pharos:openapi:requirements';

/**
 * What a caller needs beyond its credential (a role): said in the route's description, with a
 * 403. On a controller or a handler; both add to the route's list.
 */
export function ApiRequirement(text: string): ClassDecorator & MethodDecorator {
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder = (descriptor?.value ?? target) as object;
    Reflect.defineMetadata(REQUIREMENT_KEY, [...((Reflect.getMetadata(REQUIREMENT_KEY, holder) as string[] | undefined) ?? []), text], holder);
  };
}

/** An OpenAPI security scheme (`components.securitySchemes`), under the name it is listed by. */
export interface DocumentedCredential {
  name: string;
  scheme: JsonSchema;
}

/**
 * A guard that checks a credential of its own says which (a static `credentials` list: any one
 * of them lets a call through). Routes behind it are documented with those schemes.
 */
export interface CredentialGuard {
  readonly credentials: readonly DocumentedCredential[];
}

/** The admin session (and, sent the same way, a personal API token): `Authorization: Bearer …`. */
export const ACCESS_TOKEN_CREDENTIAL: DocumentedCredential = {
  name: 'accessToken',
  scheme: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'An access token from `POST /api/v1/auth/login`, or a personal API token (`pat_…`, docs/security.md: it needs the route\'s scope).',
  },
};

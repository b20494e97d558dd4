import { Injectable, RequestMethod } from '@nestjs/common';
import { GUARDS_METADATA, HEADERS_METADATA, HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PUBLIC_KEY } from '../http/public-route';
import {
  ACCESS_TOKEN_CREDENTIAL,
  ANSWER_SCHEMA_KEY,
  BODY_SCHEMA_KEY,
  type CredentialGuard,
  type DocumentedContent,
  type DocumentedCredential,
  type JsonSchema,
  REQUIREMENT_KEY,
} from './api-schema';
import { dtoSchemas, SCHEMA_REF_PREFIX } from './dto-schemas';

/** One route as Nest registered it: `GET /api/v1/servers/:id`, its handler and controller. */
interface DiscoveredRoute {
  method: string;
  /** The path as the router has it, parameters as `:name`. */
  path: string;
  controller: new (...args: never[]) => unknown;
  handlerName: string;
  handler: (...args: unknown[]) => unknown;
}

interface RouteArgument {
  index: number;
  data?: string;
}

/** `{"statusCode","error","message","field"}`: every error reply (`platform/errors/http-error.filter.ts`). */
const ERROR_BODY: JsonSchema = {
  type: 'object',
  required: ['statusCode', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    error: { type: 'string', description: 'The status reason, e.g. "Bad Request"' },
    message: { type: 'string' },
    field: { type: 'string', description: 'The field refused (a dotted path), when one is to blame' },
    fields: {
      type: 'array',
      description: 'Every field refused, with its reason (validation errors)',
      items: { type: 'object', required: ['field', 'reason'], properties: { field: { type: 'string' }, reason: { type: 'string' } } },
    },
    requestId: { type: 'string', description: 'The `X-Request-Id` of the request, as logged' },
  },
};

const ERROR_REPLY = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: `${SCHEMA_REF_PREFIX}Error` } } } });

const PRIMITIVES = new Map<unknown, JsonSchema>([
  [String, { type: 'string' }],
  [Number, { type: 'number' }],
  [Boolean, { type: 'boolean' }],
]);

/**
 * The OpenAPI 3.1 document of every REST route, built from what Nest itself registered: the
 * controllers it discovered, their paths and methods, the arguments each handler takes
 * (`@Body`, `@Query`, `@Param` and their declared types), its status code and headers, whether
 * it is `@Public()` and which guards check it. Bodies and queries are the class-validator DTOs'
 * schemas (`dto-schemas.ts`); wire protocols that validate `unknown` bodies themselves declare
 * their TypeBox schema (`BodySchema`, `AnswerSchema`). A route added by any module is in it.
 */
@Injectable()
export class OpenApiDocument {
  private document?: JsonSchema;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  /** Built once, when first asked for: the routes do not change after start-up. */
  get(): JsonSchema {
    this.document ??= this.build();
    return this.document;
  }

  /** Every `METHOD /path` the controllers serve. */
  private routes(): DiscoveredRoute[] {
    const routes: DiscoveredRoute[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const controller = wrapper.metatype as DiscoveredRoute['controller'] | null;
      if (!controller) continue;
      const prefixes = [Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined ?? ''].flat();
      for (const handlerName of this.scanner.getAllMethodNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, DiscoveredRoute['handler']>)[handlerName]!;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (paths === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number]!;
        for (const prefix of prefixes) {
          for (const path of [paths].flat()) routes.push({ method, path: joinPath(prefix, path), controller, handlerName, handler });
        }
      }
    }
    return routes;
  }

  private build(): JsonSchema {
    const schemas = dtoSchemas();
    const routes = this.routes();
    refuseSharedClassNames(routes);
    const securitySchemes: Record<string, JsonSchema> = {};
    const paths: Record<string, Record<string, JsonSchema>> = {};
    const used = new Set<string>();
    const operationIds = new Set<string>();
    for (const route of routes) {
      const operation = this.operation(route, schemas, securitySchemes);
      let operationId = `${tagOf(route)}_${route.handlerName}`;
      for (let n = 2; operationIds.has(operationId); n++) operationId = `${tagOf(route)}_${route.handlerName}_${n}`;
      operationIds.add(operationId);
      const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      (paths[path] ??= {})[route.method.toLowerCase()] = { operationId, ...operation };
      collectRefs(operation, used);
    }
    const referenced = closeOverRefs(used, schemas);
    return {
      openapi: '3.1.0',
      info: {
        title: 'Pharos',
        version: '1',
        description: 'The REST API of Pharos, generated from its routes and the schemas it validates with. Errors answer `{"statusCode","error","message","field"}`.',
      },
      servers: [{ url: '/' }],
      paths: sortKeys(paths),
      components: {
        schemas: { Error: ERROR_BODY, ...sortKeys(Object.fromEntries([...referenced].map((name) => [name, schemas[name]!]))) },
        securitySchemes: sortKeys(securitySchemes),
      },
    };
  }

  private operation(route: DiscoveredRoute, schemas: Record<string, JsonSchema>, securitySchemes: Record<string, JsonSchema>): JsonSchema {
    const { parameters, requestBody } = this.inputs(route, schemas);
    const credentials = this.credentials(route);
    for (const credential of credentials) securitySchemes[credential.name] = credential.scheme;
    const status = (Reflect.getMetadata(HTTP_CODE_METADATA, route.handler) as number | undefined) ?? (route.method === 'POST' ? 201 : 200);
    const responses: Record<string, JsonSchema> = { [String(status)]: this.answer(route, status) };
    if (parameters.length > 0 || requestBody) responses['400'] = ERROR_REPLY('The input was refused (the field is named)');
    if (credentials.length > 0) responses['401'] = ERROR_REPLY('No valid credential');
    const requirements = this.requirements(route);
    if (requirements.length > 0) responses['403'] = ERROR_REPLY(`Without ${requirements.join(', ')}`);
    if (parameters.some((p) => p.in === 'path')) responses['404'] = ERROR_REPLY('Not found');
    responses.default = ERROR_REPLY('Another error: 403, 409, 413, 429 (with Retry-After), 503 (the database is unavailable, with Retry-After)');
    return {
      tags: [tagOf(route)],
      ...(requirements.length > 0 ? { description: `Needs ${requirements.join(', ')}.` } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(requestBody ? { requestBody } : {}),
      responses,
      security: credentials.map((credential) => ({ [credential.name]: [] })),
    };
  }

  /** Parameters and body from the handler's arguments (`@Body`, `@Query`, `@Param`) and their declared types. */
  private inputs(route: DiscoveredRoute, schemas: Record<string, JsonSchema>): { parameters: JsonSchema[]; requestBody?: JsonSchema } {
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, route.controller, route.handlerName) ?? {}) as Record<string, RouteArgument>;
    const types = (Reflect.getMetadata('design:paramtypes', route.controller.prototype as object, route.handlerName) ?? []) as unknown[];
    const parameters: JsonSchema[] = [];
    let requestBody: JsonSchema | undefined;
    // Keyed `${RouteParamtypes}:${index}`; custom decorators (the current user) have other keys.
    for (const [key, arg] of Object.entries(args)) {
      const type = Number(key.split(':')[0]);
      const declared = types[arg.index];
      if (type === RouteParamtypes.QUERY || type === RouteParamtypes.PARAM) {
        const where = type === RouteParamtypes.QUERY ? 'query' : 'path';
        if (arg.data) parameters.push({ name: arg.data, in: where, required: where === 'path', schema: primitiveSchema(declared) });
        else parameters.push(...dtoParameters(declared, where, schemas));
      } else if (type === RouteParamtypes.BODY && !arg.data) {
        const schema = schemaOfClass(declared, schemas);
        requestBody = { required: true, content: { 'application/json': { schema: schema ?? {} } } };
      }
    }
    const declaredBody = this.reflector.get<DocumentedContent | undefined>(BODY_SCHEMA_KEY, route.handler);
    if (declaredBody) requestBody = { required: true, content: { [declaredBody.contentType]: { schema: declaredBody.schema } } };
    // A path parameter the handler reads another way (its guard, the raw request) is still one.
    for (const [, name] of route.path.matchAll(/:([A-Za-z0-9_]+)/g)) {
      if (!parameters.some((p) => p.in === 'path' && p.name === name)) parameters.push({ name, in: 'path', required: true, schema: { type: 'string' } });
    }
    return { parameters, requestBody };
  }

  private answer(route: DiscoveredRoute, status: number): JsonSchema {
    const description = status === 204 ? 'Done; no content' : 'Success';
    if (status === 204) return { description };
    const declared = this.reflector.get<DocumentedContent | undefined>(ANSWER_SCHEMA_KEY, route.handler);
    if (declared) return { description, content: { [declared.contentType]: { schema: declared.schema } } };
    const headers = (Reflect.getMetadata(HEADERS_METADATA, route.handler) ?? []) as { name: string; value: string }[];
    const contentType = headers.find((h) => h.name.toLowerCase() === 'content-type')?.value;
    if (contentType) return { description, content: { [contentType.split(';')[0]!.trim()]: { schema: { type: 'string' } } } };
    // A view type of libs/protocol without a runtime schema: JSON, not described further.
    return { description, content: { 'application/json': { schema: {} } } };
  }

  /** What the route needs besides its credential (`ApiRequirement`: a role), the controller's and the handler's. */
  private requirements(route: DiscoveredRoute): string[] {
    const own = (target: object) => (Reflect.getMetadata(REQUIREMENT_KEY, target) as string[] | undefined) ?? [];
    return [...new Set([...own(route.controller), ...own(route.handler)])];
  }

  /** None for `@Public()` routes without a guard of their own; the guards' credentials; else the admin session. */
  private credentials(route: DiscoveredRoute): DocumentedCredential[] {
    const guards = [
      ...((Reflect.getMetadata(GUARDS_METADATA, route.controller) ?? []) as unknown[]),
      ...((Reflect.getMetadata(GUARDS_METADATA, route.handler) ?? []) as unknown[]),
    ];
    const own = guards.flatMap((guard) => (guard as Partial<CredentialGuard>).credentials ?? []);
    if (own.length > 0) return own;
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, [route.handler, route.controller]);
    return isPublic ? [] : [ACCESS_TOKEN_CREDENTIAL];
  }
}

/**
 * Schemas are named by class; two DTO classes of one name would merge into one schema (and
 * document one route with the other's rules). A clear failure instead: rename one.
 */
function refuseSharedClassNames(routes: DiscoveredRoute[]): void {
  const byName = new Map<string, unknown>();
  for (const route of routes) {
    for (const type of (Reflect.getMetadata('design:paramtypes', route.controller.prototype as object, route.handlerName) ?? []) as unknown[]) {
      if (typeof type !== 'function' || PRIMITIVES.has(type) || type === Object) continue;
      const seen = byName.get(type.name);
      if (seen && seen !== type) throw new Error(`two classes are named ${type.name} (one in ${tagOf(route)}): the OpenAPI document names schemas by class, rename one`);
      byName.set(type.name, type);
    }
  }
}

/** `/${prefix}/${path}` with single slashes and no trailing one, as Nest joins them. */
export function joinPath(prefix: string, path: string): string {
  return `/${prefix}/${path}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
}

function tagOf(route: DiscoveredRoute): string {
  return route.controller.name.replace(/Controller$/, '');
}

function primitiveSchema(type: unknown): JsonSchema {
  return PRIMITIVES.get(type) ?? { type: 'string' };
}

function schemaOfClass(type: unknown, schemas: Record<string, JsonSchema>): JsonSchema | undefined {
  if (typeof type !== 'function' || !schemas[type.name]) return PRIMITIVES.get(type);
  return { $ref: `${SCHEMA_REF_PREFIX}${type.name}` };
}

/** A query or path DTO: one parameter per property, required as the DTO says. */
function dtoParameters(type: unknown, where: 'query' | 'path', schemas: Record<string, JsonSchema>): JsonSchema[] {
  const schema = typeof type === 'function' ? schemas[type.name] : undefined;
  if (!schema) return [];
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: property,
  }));
}

function collectRefs(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) value.forEach((item) => collectRefs(item, into));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string' && item.startsWith(SCHEMA_REF_PREFIX)) into.add(item.slice(SCHEMA_REF_PREFIX.length));
      else collectRefs(item, into);
    }
  }
}

/** The schemas referenced, and those they reference in turn (nested DTOs). */
function closeOverRefs(names: Set<string>, schemas: Record<string, JsonSchema>): Set<string> {
  const all = new Set<string>();
  const pending = [...names];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (all.has(name) || name === 'Error' || !schemas[name]) continue;
    all.add(name);
    const inner = new Set<string>();
    collectRefs(schemas[name], inner);
    pending.push(...inner);
  }
  return all;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

import { jsonMayHoldUnstorableText } from '@pharos/protocol';
import type { FastifyInstance } from 'fastify';
import { jsonNestsDeeperThan, tooDeepError } from './json-depth';

/** The text each parsed JSON body (object or array) came from, while the body is alive. */
const textOf = new WeakMap<object, string>();

/**
 * Parses `application/json` bodies as Fastify does by default (prototype poisoning refused),
 * remembering the text each object or array body was parsed from. Receivers of large
 * reports store the text as it came rather than serializing the parsed value again, and
 * the check for text PostgreSQL cannot store (`mayHoldUnstorableText`) reads the text once
 * rather than walking the value. Text nested deeper than `MAX_JSON_DEPTH` is refused (400)
 * before it is parsed, on every route. Registered instead of Nest's JSON parser (`bodyParser: false`).
 */
export function parseJsonBodies(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, text, done) => {
    if (jsonNestsDeeperThan(text as string)) return done(tooDeepError(), undefined);
    parse(request, text as string, (error: Error | null, body?: unknown) => {
      if (error === null && typeof body === 'object' && body !== null) {
        // A byte-order mark is skipped by the parser, and is not JSON where the text is reused.
        textOf.set(body, (text as string).charCodeAt(0) === 0xfeff ? (text as string).slice(1) : (text as string));
      }
      done(error, body);
    });
  });
}

/** The JSON text an object or array request body was parsed from, when `parseJsonBodies` parsed it. */
export function jsonTextOf(body: unknown): string | undefined {
  return typeof body === 'object' && body !== null ? textOf.get(body) : undefined;
}

/**
 * False when a request body certainly holds no text PostgreSQL cannot store: JSON carries NUL
 * and lone surrogates only as escapes, and its text has none (`jsonMayHoldUnstorableText`).
 * True when it may.
 */
export function mayHoldUnstorableText(body: unknown): boolean {
  const text = jsonTextOf(body);
  return text === undefined || jsonMayHoldUnstorableText(text);
}

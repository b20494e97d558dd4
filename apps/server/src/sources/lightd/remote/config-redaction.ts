/** Keys whose values are credentials in a Lightd config (`remote.token`, API tokens, passwords). */
const SECRET_KEY = /token|secret|password|passwd|api[_-]?key|private[_-]?key|credential/i;
const MAX_DEPTH = 32;

export const REDACTED = '[redacted]';

/**
 * A copy of a configuration a daemon posted, with every credential replaced: Pharos keeps it
 * for admins to read, and must not become a second place Lightd's tokens can leak from.
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      SECRET_KEY.test(key) && item !== null && typeof item !== 'boolean' ? REDACTED : redactSecrets(item, depth + 1),
    ]),
  );
}

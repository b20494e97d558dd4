const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * How a container is named where space is short: Lightd knows a container only by its id, and
 * when that is a UUID its first eight characters tell containers apart, as Docker's short ids
 * do; any other id (a name a platform chose) is shown whole.
 */
export function containerName(internalId: string): string {
  return UUID.test(internalId) ? internalId.slice(0, 8) : internalId;
}

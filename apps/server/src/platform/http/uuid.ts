const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID in its text form: ids from paths are checked before they reach a query. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

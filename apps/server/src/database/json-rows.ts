/** A column of rows passed as JSON: its name (the objects' key) and its SQL type. */
export type JsonRowColumn = readonly [name: string, type: string];

/**
 * A batch of rows passed as one JSON parameter (an array of objects keyed by column name), as
 * a relation `alias(columns…, n)` where `n` is each row's position (1-based): one parameter
 * whatever the batch's size, nothing escaped value by value (pg writes arrays element by
 * element, which cost more than the statement on the hot paths), and `json`/`jsonb` columns
 * take nested values as they are, without a second encoding.
 */
export function jsonRowsSql(param: string, columns: readonly JsonRowColumn[], alias = 'v'): string {
  const definitions = columns.map(([name, type]) => `${name} ${type}`).join(', ');
  const names = columns.map(([name]) => name).join(', ');
  return `ROWS FROM (json_to_recordset(${param}::json) AS (${definitions})) WITH ORDINALITY AS ${alias}(${names}, n)`;
}

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

/**
 * Long texts sent beside a JSON row set as one binary parameter, each row holding its text's
 * place (1-based byte offset and byte length; `blobTextSql` reads it back). PostgreSQL copies
 * a binary parameter in as it is, where every text embedded in a JSON parameter is scanned
 * three times (the parameter's `::json` check, `json_to_recordset`, the column's own input):
 * for a batch of 7.5 KB node reports, most of the statement's time.
 */
export class TextBlob {
  private readonly texts: string[] = [];
  private bytes = 0;

  /** Adds a text; returns where it is, as the row's offset and length fields. */
  add(text: string): { offset: number; length: number } {
    const length = Buffer.byteLength(text);
    const place = { offset: this.bytes + 1, length };
    this.texts.push(text);
    this.bytes += length;
    return place;
  }

  /** The parameter: every text added, in order, as UTF-8. */
  toBuffer(): Buffer {
    const blob = Buffer.allocUnsafe(this.bytes);
    let at = 0;
    for (const text of this.texts) at += blob.write(text, at);
    return blob;
  }
}

/** A text of a `TextBlob` parameter (`param`), at the row's `offset` and `length`, as `text`. */
export function blobTextSql(param: string, offset: string, length: string): string {
  return `convert_from(substr(${param}::bytea, ${offset}, ${length}), 'UTF8')`;
}

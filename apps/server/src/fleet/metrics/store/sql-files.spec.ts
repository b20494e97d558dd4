import { readFileSync } from 'node:fs';
import path from 'node:path';
import { METRIC_SERIES } from '../metric-series';
import { INSERT_RAW_SAMPLES, sampleRowsSql } from './sample-sql';
import { QUERIES_DIR, WRITTEN_OUT_STATEMENTS, writtenOut } from './written-out-statements';

describe('metric statements', () => {
  it.each(Object.entries(WRITTEN_OUT_STATEMENTS))('%s is written out as it runs (npm run sql:generate)', (name, sql) => {
    expect(readFileSync(path.join(QUERIES_DIR, `${name}.sql`), 'utf8')).toBe(writtenOut(name, sql));
  });

  it('store and read every headline series in the written-out sample statements', () => {
    for (const column of Object.values(METRIC_SERIES)) {
      expect(INSERT_RAW_SAMPLES).toContain(`"${column}"`);
      expect(INSERT_RAW_SAMPLES).toContain(`v."v_${column}"`);
      expect(sampleRowsSql('$1')).toContain(`"v_${column}" double precision`);
    }
    const columns = INSERT_RAW_SAMPLES.slice(INSERT_RAW_SAMPLES.indexOf('(') + 1, INSERT_RAW_SAMPLES.indexOf(')')).split(',');
    expect(columns.map((c) => c.trim())).toEqual(['"serverId"', '"at"', ...Object.values(METRIC_SERIES).map((c) => `"${c}"`), '"series"']);
  });
});

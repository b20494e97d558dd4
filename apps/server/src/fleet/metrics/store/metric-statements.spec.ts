import { METRIC_SERIES, RAW_ONLY_SERIES, SERIES_WITH_BAND } from '../metric-series';
import { ROLLUP_STATEMENTS } from './rollup-store';
import { INSERT_RAW_SAMPLES, INSERT_SAMPLES_WITH_ROLLUPS_SQL, sampleRowsSql } from './sample-sql';

/** The written-out statements must name every series: a new series without its SQL fails here. */
describe('metric statements', () => {
  const raw = Object.values(METRIC_SERIES);
  const rolledUp = Object.entries(METRIC_SERIES)
    .filter(([name]) => !RAW_ONLY_SERIES.includes(name as keyof typeof METRIC_SERIES))
    .map(([, column]) => column);
  const extremes = Object.values(SERIES_WITH_BAND).flatMap((band) => [band!.min, band!.max]);

  it('stores every headline series raw, in the column order of the sample rows', () => {
    const columns = INSERT_RAW_SAMPLES.slice(INSERT_RAW_SAMPLES.indexOf('(') + 1, INSERT_RAW_SAMPLES.indexOf(')')).split(',');
    expect(columns.map((c) => c.trim())).toEqual(['"serverId"', '"at"', ...raw.map((c) => `"${c}"`), '"series"']);
    for (const column of raw) {
      expect(INSERT_RAW_SAMPLES).toContain(`v."v_${column}"`);
      expect(sampleRowsSql('$1')).toContain(`"v_${column}" double precision`);
    }
  });

  it.each([['fold into rollups', INSERT_SAMPLES_WITH_ROLLUPS_SQL], ...Object.entries(ROLLUP_STATEMENTS)])('%s names every rolled-up series, its count and its extremes', (_, sql) => {
    for (const column of rolledUp) {
      expect(sql).toContain(`"${column}" = `);
      expect(sql).toContain(`'${column}'`);
    }
    for (const column of extremes) expect(sql).toContain(`"${column}" = `);
    for (const column of ['load5', 'load15']) expect(sql).not.toContain(`"${column}" = `);
  });
});

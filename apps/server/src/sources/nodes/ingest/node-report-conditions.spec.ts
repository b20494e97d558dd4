import { realisticNodeReport } from '../../../../../simulator/src/node-reports';
import { nodeReportConditions } from './node-report-conditions';

describe('node report conditions', () => {
  it('judges each array and each disk: degraded or with a member down, SMART failed, NVMe warning bits', () => {
    const report = realisticNodeReport();
    report.metrics.disk.smart.devices[0]!.critical_warning = 0x02;
    const verdicts = nodeReportConditions(report).map((c) => [c.kind, c.subject, c.failing]);
    expect(verdicts).toEqual([
      ['raid_degraded', 'raid:md0', false],
      ['raid_degraded', 'raid:md1', true],
      ['smart_failed', 'disk:nvme0n1', true],
      ['smart_failed', 'disk:nvme1n1', false],
      ['smart_failed', 'disk:sda', true],
    ]);
    const sda = nodeReportConditions(report).find((c) => c.subject === 'disk:sda')!;
    expect(sda.detail).toBe('Disk sda: SMART health failed; failing attributes: Reallocated_Sector_Ct');
  });
});

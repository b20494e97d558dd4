import type { NodeReport } from '@pharos/protocol';

/**
 * The simulator's report with every disk and array healthy (its own carries a failing disk and
 * a degraded array, which the built-in rules would raise), and the CPU at `cpuRatio`.
 */
export function healthyReport(report: NodeReport, cpuRatio = 0.1): NodeReport {
  report.metrics.cpu.usage_ratio = cpuRatio;
  for (const d of report.metrics.disk.smart.devices) Object.assign(d, { health: 'passed', critical_warning: 0, failing_attrs: undefined });
  for (const a of report.metrics.raid.arrays) Object.assign(a, { health: 'healthy', failed: 0, members: a.members.map((m) => ({ ...m, state: 'up' })) });
  return report;
}

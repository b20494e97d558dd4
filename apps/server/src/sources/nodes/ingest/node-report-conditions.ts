import type { NodeReport } from '@pharos/protocol';
import type { ConditionReport } from '../../../platform/events/fleet-event-bus';

/**
 * The RAID and SMART verdicts of a node report, one per array and per disk, failing or not
 * (alerting opens an incident on the first failing one and resolves it on the first clear
 * one). An array is failing when it is degraded, counts failed members or has a member down;
 * a disk, when smartctl says it failed, NVMe raises a critical warning bit, or an attribute
 * is past its threshold (fields: /work/shared/protocols/ithiltir-node.md §3).
 */
export function nodeReportConditions(report: NodeReport): ConditionReport[] {
  const conditions: ConditionReport[] = [];
  for (const array of report.metrics.raid.arrays) {
    const down = array.members.filter((m) => m.state === 'down').map((m) => m.name);
    const failing = array.health === 'degraded' || array.failed > 0 || down.length > 0;
    const detail = `RAID ${array.name} is ${array.health} (${array.status}; ${array.working}/${array.active} working, ${array.failed} failed${down.length ? `; down: ${down.join(', ')}` : ''})`;
    conditions.push({ kind: 'raid_degraded', subject: `raid:${array.name}`, failing, detail, value: array.failed });
  }
  for (const device of report.metrics.disk.smart.devices) {
    if (!device.name) continue;
    const warning = device.critical_warning ?? 0;
    const attrs = device.failing_attrs ?? [];
    const reasons = [
      ...(device.health === 'failed' ? ['SMART health failed'] : []),
      ...(warning > 0 ? [`NVMe critical warning 0x${warning.toString(16)}`] : []),
      ...(attrs.length ? [`failing attributes: ${attrs.map((a) => a.name).join(', ')}`] : []),
    ];
    const detail = reasons.length ? `Disk ${device.name}: ${reasons.join('; ')}` : `Disk ${device.name}: SMART ${device.health ?? device.status}`;
    conditions.push({ kind: 'smart_failed', subject: `disk:${device.name}`, failing: reasons.length > 0, detail, value: warning });
  }
  return conditions;
}

import type { LightdBillingEvent, LightdContainerStatus, LightdErrorUpdate, LightdStatusUpdate } from '@pharos/protocol';

/** The f64 fields of a billing event: serde writes them with a decimal point (`2.0`). */
const FLOAT_FIELDS = ['memory_gb', 'cpu_vcpus', 'storage_gb', 'egress_gb', 'duration_hours', 'estimated_cost'];

/** `POST /update` bodies exactly as Lightd serialises them (absent fields omitted, never null). */
export const lightdBodies = {
  status(server: string, status: LightdContainerStatus): string {
    const body: LightdStatusUpdate = { event: 'update', server, status };
    return JSON.stringify(body);
  },
  error(server: string, error: string, data?: string): string {
    const body: LightdErrorUpdate = { event: 'update', server, error, ...(data !== undefined ? { data } : {}) };
    return JSON.stringify(body);
  },
  billing(server: string, usage: Omit<LightdBillingEvent, 'event' | 'server'>): string {
    const body: LightdBillingEvent = { event: 'billing', server, ...usage };
    let json = JSON.stringify(body);
    for (const field of FLOAT_FIELDS) json = json.replace(new RegExp(`("${field}":-?\\d+)(?=[,}])`), '$1.0');
    return json;
  },
};

/** Failures Lightd reports, with the details it attaches. */
export const LIGHTD_FAILURES: { error: string; data: string }[] = [
  { error: 'failed', data: 'image pull failed: manifest for ghcr.io/acme/game:latest not found' },
  { error: 'failed', data: 'install script exited with code 1' },
  { error: 'failed', data: 'container exited during start-up (OOMKilled)' },
  { error: 'failed', data: 'port 25565 is already allocated' },
];

/** A container name as Lightd's `internal_id`s look (a UUID-like slug). */
export function containerInternalId(daemonName: string, index: number): string {
  const hex = Buffer.from(`${daemonName}:${index}`).toString('hex').padEnd(32, '0').slice(-32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

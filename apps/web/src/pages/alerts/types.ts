import type { AlertKind, AlertOp } from '@pharos/protocol';

// The API's shapes are in libs/protocol (alerts-api.ts). The web app takes only types from
// there (its bundle holds no protocol code), so these two values are written again here,
// typed against the protocol's kinds and operators.

/** How each comparison reads (the protocol's `ALERT_OP_SYMBOLS`). */
export const OPS: Record<AlertOp, string> = { gt: '>', gte: '≥', lt: '<', lte: '≤' };
/** Kinds judged against a threshold on every sample (the protocol's `SAMPLED_KINDS`). */
export const SAMPLED_KINDS: readonly AlertKind[] = ['threshold', 'disk_full'];
/** The series a threshold rule is offered on in the rule form. */
export const SERIES = ['cpu_percent', 'memory_percent', 'swap_percent', 'disk_percent', 'load1', 'load5', 'load15', 'net_rx_bytes_per_sec', 'net_tx_bytes_per_sec', 'max_temp_c'];

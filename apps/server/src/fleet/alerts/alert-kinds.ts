import { type AlertKind } from '@pharos/protocol';

// The kinds and which are sampled are part of the alerts API (libs/protocol alerts-api.ts).
export { ALERT_KINDS, type AlertKind, SAMPLED_KINDS } from '@pharos/protocol';

/** Kinds that report a moment, not a state: the incident opens and resolves at once, unsent as resolved. */
export const ONE_SHOT_KINDS: readonly AlertKind[] = ['command_failed'];

export function isBuiltIn(kind: string): boolean {
  return kind !== 'threshold';
}

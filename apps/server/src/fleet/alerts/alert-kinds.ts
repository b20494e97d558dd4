/**
 * What a rule watches: `threshold` compares a live series with a number; the others are the
 * built-in conditions, seeded on (command failed: opt-in) by the migration
 * `20261207034000_alert_channels_outbox`, editable and disableable but not deletable.
 */
export const ALERT_KINDS = ['threshold', 'server_offline', 'daemon_offline', 'container_failed', 'raid_degraded', 'smart_failed', 'disk_full', 'command_failed'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Kinds judged on every metrics sample (a value against the rule's threshold, with its hold). */
export const SAMPLED_KINDS: readonly AlertKind[] = ['threshold', 'disk_full'];

/** Kinds that report a moment, not a state: the incident opens and resolves at once, unsent as resolved. */
export const ONE_SHOT_KINDS: readonly AlertKind[] = ['command_failed'];

export function isBuiltIn(kind: string): boolean {
  return kind !== 'threshold';
}

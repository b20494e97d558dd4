import { ALERT_OP_SYMBOLS, type AlertOp } from '@pharos/protocol';

// How a rule compares a series to its threshold is part of the alerts API (libs/protocol alerts-api.ts).
export { ALERT_OPS, type AlertOp } from '@pharos/protocol';

export function breaches(op: AlertOp, value: number, threshold: number): boolean {
  switch (op) {
    case 'gt':
      return value > threshold;
    case 'gte':
      return value >= threshold;
    case 'lt':
      return value < threshold;
    case 'lte':
      return value <= threshold;
  }
}

export function opSymbol(op: AlertOp): string {
  return ALERT_OP_SYMBOLS[op];
}

/**
 * The state of one rule for one server. A breach must hold for `forSeconds` (measured on
 * Pharos's clock, not the reporter's) before the alert fires; the first sample without the
 * breach resolves it.
 */
export class AlertTracker {
  private breachingSince?: number;

  constructor(public firing = false) {}

  observe(breaching: boolean, now: number, forSeconds: number): 'fire' | 'resolve' | null {
    if (!breaching) {
      this.breachingSince = undefined;
      if (!this.firing) return null;
      this.firing = false;
      return 'resolve';
    }
    if (this.firing) return null;
    this.breachingSince ??= now;
    if (now - this.breachingSince < forSeconds * 1000) return null;
    this.firing = true;
    return 'fire';
  }
}

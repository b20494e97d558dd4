/** What one outbox row asks to tell: an alert that fired, resolved or still fires, or a test. */
export type NotificationEvent = 'firing' | 'resolved' | 'reminder' | 'test';

export interface NotifiedAlert {
  incidentId: string;
  ruleId: string | null;
  rule: string;
  /** `threshold` or the built-in condition. */
  kind: string;
  severity: 'warning' | 'critical';
  serverId: string;
  serverName: string;
  subject?: string;
  /** One line, e.g. "CPU high: cpu_percent 97 > 90" or the RAID array's state. */
  message: string;
  value?: number;
  threshold?: number;
  /** When it fired (firing, reminder) or resolved. */
  at: string;
}

/** The payload of an outbox row (kept as JSON; the channel's provider formats it when sending). */
export interface NotificationPayload {
  event: NotificationEvent;
  alert?: NotifiedAlert;
  /** A test notification's text. */
  text?: string;
}

import type { NotificationEvent, NotificationPayload, NotifiedAlert } from '../../fleet/notifications/notification-message';
import type { OutgoingMessage } from './providers/notification-provider';

const LABEL: Record<NotificationEvent, string> = { firing: 'FIRING', resolved: 'RESOLVED', reminder: 'STILL FIRING', test: 'TEST' };

function line(event: NotificationEvent, alert: NotifiedAlert): string {
  return `[${LABEL[event]}] ${alert.severity} · ${alert.serverName} · ${alert.message}`;
}

/**
 * The one message a channel gets for the notifications that came due together: one alert
 * says itself in the title; several (a switch failing takes a rack offline) are counted in
 * the title and listed one per line, worst first.
 */
export function composeMessage(rows: { idempotencyKey: string; payload: NotificationPayload }[]): OutgoingMessage {
  const keys = rows.map((r) => r.idempotencyKey);
  const tests = rows.filter((r) => r.payload.event === 'test');
  const alerts = rows.flatMap((r) => (r.payload.alert && r.payload.event !== 'test' ? [{ event: r.payload.event, alert: r.payload.alert }] : []));
  if (alerts.length === 0) {
    const text = tests.map((t) => t.payload.text ?? 'Test notification from Pharos').join('\n');
    return { title: 'Pharos test notification', text, event: 'test', severity: 'info', alerts: [], idempotencyKeys: keys };
  }
  alerts.sort((a, b) => rank(b) - rank(a));
  const severity = alerts.some((a) => a.event !== 'resolved' && a.alert.severity === 'critical') ? 'critical' : alerts.some((a) => a.event !== 'resolved') ? 'warning' : 'info';
  const text = alerts.map((a) => line(a.event, a.alert)).join('\n');
  if (alerts.length === 1) {
    const { event, alert } = alerts[0]!;
    return { title: `[${LABEL[event]}] ${alert.rule} on ${alert.serverName}`, text, event, severity, alerts, idempotencyKeys: keys };
  }
  const counts = (['firing', 'reminder', 'resolved'] as const).map((e) => [e, alerts.filter((a) => a.event === e).length] as const).filter(([, n]) => n > 0);
  const title = `${alerts.length} alerts: ${counts.map(([e, n]) => `${n} ${e === 'reminder' ? 'still firing' : e}`).join(', ')}`;
  return { title, text, event: 'grouped', severity, alerts, idempotencyKeys: keys };
}

function rank(a: { event: NotificationEvent; alert: NotifiedAlert }): number {
  return (a.event === 'resolved' ? 0 : 2) + (a.alert.severity === 'critical' ? 1 : 0);
}

/** The delay before the next attempt: `base · 2^(attempts)`, at most `max`. */
export function retryDelayMs(attemptsMade: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(attemptsMade, 30));
}

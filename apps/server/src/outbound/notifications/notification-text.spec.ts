import type { NotifiedAlert } from '../../fleet/notifications/notification-message';
import { composeMessage, retryDelayMs } from './notification-text';

const alert = (serverName: string, severity: 'warning' | 'critical', message: string): NotifiedAlert => ({
  incidentId: `i-${serverName}`,
  ruleId: 'r',
  rule: 'CPU high',
  kind: 'threshold',
  severity,
  serverId: `s-${serverName}`,
  serverName,
  message,
  at: '2026-12-07T00:00:00.000Z',
});

describe('notification text', () => {
  it('says one alert in its title', () => {
    const message = composeMessage([{ idempotencyKey: 'k1', payload: { event: 'firing', alert: alert('web-1', 'critical', 'CPU high: cpu_percent 97 > 90') } }]);
    expect(message).toMatchObject({ title: '[FIRING] CPU high on web-1', text: '[FIRING] critical · web-1 · CPU high: cpu_percent 97 > 90', severity: 'critical', idempotencyKeys: ['k1'] });
  });

  it('counts several in the title and lists them worst first', () => {
    const message = composeMessage([
      { idempotencyKey: 'a', payload: { event: 'resolved', alert: alert('db-1', 'critical', 'x resolved') } },
      { idempotencyKey: 'b', payload: { event: 'firing', alert: alert('web-1', 'warning', 'w') } },
      { idempotencyKey: 'c', payload: { event: 'firing', alert: alert('web-2', 'critical', 'c') } },
    ]);
    expect(message.title).toBe('3 alerts: 2 firing, 1 resolved');
    expect(message.text.split('\n').map((l) => l.split(' · ')[1])).toEqual(['web-2', 'web-1', 'db-1']);
    expect(message.severity).toBe('critical');
    expect(message.idempotencyKeys).toEqual(['a', 'b', 'c']);
  });

  it('backs off exponentially up to the cap', () => {
    expect([0, 1, 2, 3, 10, 100].map((n) => retryDelayMs(n, 100, 1000))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
});

import { ChannelUrlError, mask, type NotificationProvider, postJson, segments } from './notification-provider';

/**
 * Slack incoming webhook, in Shoutrrr's forms: `slack://hook:T000-B000-XXXX@webhook` or
 * `slack://[botname@]T000/B000/XXXX`. Posts `{text}` (and `username`) to
 * `<base>/services/T000/B000/XXXX` (base: hooks.slack.com, `NOTIFY_SLACK_URL`).
 */
function tokens(url: URL): string[] {
  if (url.hostname === 'webhook' && decodeURIComponent(url.username) === 'hook') return decodeURIComponent(url.password).split('-');
  return [url.hostname, ...segments(url)];
}

export const slackProvider: NotificationProvider = {
  kind: 'slack',
  schemes: ['slack'],
  check(url) {
    const parts = tokens(url);
    if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9]+$/.test(p))) {
      throw new ChannelUrlError('a Slack URL is slack://hook:<T…>-<B…>-<token>@webhook or slack://<T…>/<B…>/<token>');
    }
  },
  redact(url) {
    const [a, b, c] = tokens(url);
    return `slack://${a}/${b}/${mask(c ?? '')}`;
  },
  send(url, message, context) {
    const [a, b, c] = tokens(url);
    const botname = url.hostname === 'webhook' ? url.searchParams.get('botname') : decodeURIComponent(url.username) || null;
    return postJson(`${context.settings.slackUrl}/services/${a}/${b}/${c}`, { text: `*${message.title}*\n${message.text}`, ...(botname ? { username: botname } : {}) }, context);
  },
};

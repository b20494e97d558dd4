import { ChannelUrlError, mask, type NotificationProvider, postJson, segments, yes } from './notification-provider';

/**
 * Microsoft Teams incoming webhook, Shoutrrr's form
 * `teams://<group>@<tenant>/<altId>/<groupOwner>?host=<org>.webhook.office.com`: posts a
 * MessageCard to `https://<host>/webhookb2/<group>@<tenant>/IncomingWebhook/<altId>/<groupOwner>`
 * (`disabletls=yes`: http, for a local receiver).
 */
export const teamsProvider: NotificationProvider = {
  kind: 'teams',
  schemes: ['teams'],
  check(url) {
    if (!url.username || !url.hostname || segments(url).length !== 2) throw new ChannelUrlError('a Teams URL is teams://<group>@<tenant>/<altId>/<groupOwner>?host=<org>.webhook.office.com');
    if (!url.searchParams.get('host')) throw new ChannelUrlError('a Teams URL needs ?host=<org>.webhook.office.com');
  },
  redact(url) {
    const [altId] = segments(url);
    return `teams://${url.username}@${url.hostname}/${altId}/${mask(segments(url)[1] ?? '')}?host=${url.searchParams.get('host')}`;
  },
  send(url, message, context) {
    const [altId, owner] = segments(url);
    const scheme = yes(url.searchParams.get('disabletls')) ? 'http' : 'https';
    const target = `${scheme}://${url.searchParams.get('host')}/webhookb2/${url.username}@${url.hostname}/IncomingWebhook/${altId}/${owner}`;
    const card = {
      '@type': 'MessageCard',
      '@context': 'https://schema.org/extensions',
      summary: message.title,
      title: message.title,
      themeColor: message.severity === 'critical' ? 'D70000' : message.severity === 'warning' ? 'FFA500' : '2EB886',
      text: message.text.replace(/\n/g, '\n\n'),
    };
    return postJson(target, card, context);
  },
};

import { ChannelUrlError, mask, type NotificationProvider, postJson } from './notification-provider';

/**
 * Discord webhook, Shoutrrr's form `discord://<token>@<webhook id>`: posts `{content}` (and
 * `username`) to `<base>/api/webhooks/<id>/<token>` (base: discord.com, `NOTIFY_DISCORD_URL`).
 * Discord caps `content` at 2000 characters.
 */
export const discordProvider: NotificationProvider = {
  kind: 'discord',
  schemes: ['discord'],
  check(url) {
    if (!url.username || !/^\d+$/.test(url.hostname)) throw new ChannelUrlError('a Discord URL is discord://<token>@<webhook id>');
  },
  redact(url) {
    return `discord://${mask(decodeURIComponent(url.username))}@${url.hostname}`;
  },
  send(url, message, context) {
    const username = url.searchParams.get('username');
    const content = `**${message.title}**\n${message.text}`.slice(0, 2000);
    return postJson(`${context.settings.discordUrl}/api/webhooks/${url.hostname}/${decodeURIComponent(url.username)}`, { content, ...(username ? { username } : {}) }, context);
  },
};

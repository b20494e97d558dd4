import { ChannelUrlError, type DeliveryResult, mask, type NotificationProvider, postJson } from './notification-provider';

/**
 * Telegram bot, Shoutrrr's form `telegram://<bot token>@telegram?chats=<chat>[,<chat>…]`: one
 * `sendMessage` per chat (`{chat_id, text}`) to `<base>/bot<token>/sendMessage` (base:
 * api.telegram.org, `NOTIFY_TELEGRAM_URL`). Delivered when every chat took it.
 */
function chats(url: URL): string[] {
  return (url.searchParams.get('chats') ?? url.searchParams.get('channels') ?? '').split(',').map((c) => c.trim()).filter(Boolean);
}

export const telegramProvider: NotificationProvider = {
  kind: 'telegram',
  schemes: ['telegram'],
  check(url) {
    const token = decodeURIComponent(`${url.username}${url.password ? `:${url.password}` : ''}`);
    if (!/^\d+:[A-Za-z0-9_-]+$/.test(token) || url.hostname !== 'telegram') throw new ChannelUrlError('a Telegram URL is telegram://<bot id>:<bot token>@telegram?chats=<chat id or @channel>');
    if (chats(url).length === 0) throw new ChannelUrlError('a Telegram URL needs ?chats=<chat id or @channel>[,…]');
  },
  redact(url) {
    return `telegram://${url.username}:${mask(url.password)}@telegram?chats=${chats(url).join(',')}`;
  },
  async send(url, message, context) {
    const token = decodeURIComponent(`${url.username}:${url.password}`);
    const text = `${message.title}\n\n${message.text}`.slice(0, 4096);
    let result: DeliveryResult = { ok: true };
    for (const chat of chats(url)) {
      const sent = await postJson(`${context.settings.telegramUrl}/bot${token}/sendMessage`, { chat_id: chat, text, disable_web_page_preview: true }, context);
      if (!sent.ok) result = { ...sent, error: `chat ${chat}: ${sent.error}` };
      else if (result.ok) result = sent;
    }
    return result;
  },
};

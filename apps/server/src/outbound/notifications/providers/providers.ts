import { discordProvider } from './discord.provider';
import { gotifyProvider } from './gotify.provider';
import { ChannelUrlError, type NotificationProvider } from './notification-provider';
import { ntfyProvider } from './ntfy.provider';
import { slackProvider } from './slack.provider';
import { smtpProvider } from './smtp.provider';
import { teamsProvider } from './teams.provider';
import { telegramProvider } from './telegram.provider';
import { webhookProvider } from './webhook.provider';

/** Every channel kind; a new one is a file here and a line in this list. */
export const PROVIDERS: readonly NotificationProvider[] = [webhookProvider, slackProvider, discordProvider, teamsProvider, ntfyProvider, gotifyProvider, telegramProvider, smtpProvider];

const BY_SCHEME = new Map(PROVIDERS.flatMap((p) => p.schemes.map((s) => [s, p] as const)));

export const KNOWN_SCHEMES = [...BY_SCHEME.keys()];

/** The URL parsed and checked, with its provider; ChannelUrlError says what is wrong. */
export function channelTarget(raw: string): { url: URL; provider: NotificationProvider } {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ChannelUrlError('not a URL (e.g. https://example.com/hook, slack://…, smtp://…)');
  }
  const provider = BY_SCHEME.get(url.protocol.replace(/:$/, ''));
  if (!provider) throw new ChannelUrlError(`unknown scheme "${url.protocol.replace(/:$/, '')}"; known: ${KNOWN_SCHEMES.join(', ')}`);
  provider.check(url);
  return { url, provider };
}

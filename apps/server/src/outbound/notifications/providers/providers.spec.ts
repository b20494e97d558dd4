import { ChannelUrlError } from './notification-provider';
import { channelTarget } from './providers';
import { signBody } from './webhook.provider';

describe('channel URLs', () => {
  it('picks the provider by scheme and redacts tokens and passwords', () => {
    const cases: [string, string, string][] = [
      ['https://hooks.example.com/T/secret-path', 'webhook', 'https://hooks.example.com/…'],
      ['slack://hook:T0001-B0002-XXXXSECRET@webhook', 'slack', 'slack://T0001/B0002/XX***'],
      ['slack://T0001/B0002/XXXXSECRET', 'slack', 'slack://T0001/B0002/XX***'],
      ['discord://SECRETTOKEN@123456789', 'discord', 'discord://SE***@123456789'],
      ['teams://g@t/alt/OWNERSECRET?host=org.webhook.office.com', 'teams', 'teams://g@t/alt/OW***?host=org.webhook.office.com'],
      ['ntfy://alice:pw@ntfy.sh/alerts', 'ntfy', 'ntfy://alice:***@ntfy.sh/alerts'],
      ['gotify://gotify.example.com/APPTOKEN', 'gotify', 'gotify://gotify.example.com/AP***'],
      ['telegram://123:ABCDEFSECRET@telegram?chats=@ops', 'telegram', 'telegram://123:AB***@telegram?chats=@ops'],
      ['smtp://u:SECRETPASS@mail.example.com:587/?from=a@x&to=b@x', 'smtp', 'smtp://u:***@mail.example.com:587/?from=a@x&to=b@x'],
    ];
    for (const [raw, kind, redacted] of cases) {
      const { url, provider } = channelTarget(raw);
      expect([provider.kind, provider.redact(url)]).toEqual([kind, redacted]);
    }
  });

  it('refuses an unknown scheme, a malformed URL and one missing a part, saying what', () => {
    expect(() => channelTarget('pigeon://coop')).toThrow(/unknown scheme "pigeon"/);
    expect(() => channelTarget('not a url')).toThrow(ChannelUrlError);
    expect(() => channelTarget('telegram://123:abc@telegram')).toThrow(/chats/);
    expect(() => channelTarget('smtp://mail.example.com/?to=a@x')).toThrow(/from/);
    expect(() => channelTarget('teams://g@t/alt/owner')).toThrow(/host/);
    expect(() => channelTarget('discord://token@not-an-id')).toThrow(ChannelUrlError);
  });

  it('signs a webhook body with HMAC-SHA256', () => {
    // echo -n '{"a":1}' | openssl dgst -sha256 -hmac key
    expect(signBody('{"a":1}', 'key')).toBe('sha256=88a67f24bbcdaed0e6c997404bb79a743baf44c6bab2f4c27328e3009d22e342');
  });
});

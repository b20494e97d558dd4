import { REDACTED, redactSecrets } from './config-redaction';

describe('redactSecrets', () => {
  it('replaces credentials anywhere in a Lightd config and keeps the rest', () => {
    const config = {
      version: '0.1.0',
      server: { host: '0.0.0.0', port: 8070 },
      remote: { enabled: true, url: 'https://pharos.example/api/lightd', token: 'lightd_ad2f7fc49ed640429c450e14ed07c8d5' },
      tokens: [{ token: 'lightd_x', remove_on_use: true }],
      docker: { registry_password: 'p', api_key: 'k', socket: '/var/run/docker.sock' },
      token_required: false,
    };
    expect(redactSecrets(config)).toEqual({
      version: '0.1.0',
      server: { host: '0.0.0.0', port: 8070 },
      remote: { enabled: true, url: 'https://pharos.example/api/lightd', token: REDACTED },
      tokens: REDACTED,
      docker: { registry_password: REDACTED, api_key: REDACTED, socket: '/var/run/docker.sock' },
      token_required: false,
    });
    expect(JSON.stringify(redactSecrets(config))).not.toContain('lightd_');
  });

  it('stops at a depth limit instead of recursing without end', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100; i++) deep = { nested: deep };
    expect(JSON.stringify(redactSecrets(deep))).toContain(REDACTED);
  });
});

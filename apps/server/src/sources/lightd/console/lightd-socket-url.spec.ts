import { lightdContainerSocketUrl, withoutToken } from './lightd-socket-url';

describe('lightdContainerSocketUrl', () => {
  it('builds the seed\'s ws://<daemon>/ws/<internal_id>?token=<token>', () => {
    expect(lightdContainerSocketUrl('http://node-7:8070', 'my-server-001', 'lightd_abc')).toBe('ws://node-7:8070/ws/my-server-001?token=lightd_abc');
  });

  it('uses wss for https, keeps a path prefix, drops a trailing slash and escapes the id', () => {
    expect(lightdContainerSocketUrl('https://edge.example/lightd/', 'a b/c', 't&x')).toBe('wss://edge.example/lightd/ws/a%20b%2Fc?token=t%26x');
  });

  it('shows the URL without its token', () => {
    expect(withoutToken('ws://node-7:8070/ws/s1?token=lightd_abc')).toBe('ws://node-7:8070/ws/s1');
  });
});

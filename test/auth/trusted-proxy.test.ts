import { describe, expect, it } from 'vitest';
import { createProxyAddresses, createTrustedProxy } from '../../src/auth/trusted-proxy.js';
import { isAppError } from '../../src/errors/app-error.js';

const proxy = createTrustedProxy({
  header: 'X-Forwarded-User',
  addresses: ['127.0.0.1', '10.1.0.0/16', 'fd00::/8'],
});

const trusted: [address: string][] = [
  ['127.0.0.1'],
  ['::ffff:127.0.0.1'],
  ['10.1.0.0'],
  ['10.1.255.254'],
  ['fd00::1'],
  ['fdff:ffff::9'],
];
const untrusted: [address: string | undefined][] = [
  ['127.0.0.2'],
  ['10.2.0.1'],
  ['::1'],
  ['::ffff:10.2.0.1'],
  ['fe80::1'],
  [''],
  [undefined],
];

describe('the trusted proxy', () => {
  it('names the header in lower case, as Node presents request headers', () => {
    expect(proxy.header).toBe('x-forwarded-user');
  });

  it.each(trusted)('believes the header from %s', (address) => {
    expect(proxy.username(' alice ', address)).toBe('alice');
  });

  it.each(untrusted)('refuses the header from %j', (address) => {
    let error: unknown;
    try {
      proxy.username('alice', address);
    } catch (e) {
      error = e;
    }
    expect(isAppError(error, 'auth.untrusted_proxy')).toBe(true);
    expect((error as Error).message).toMatch(/AUTH_PROXY_ADDRESSES/);
  });

  it.each([...trusted, ...untrusted])('has nothing to say without the header (%j)', (address) => {
    expect(proxy.username(undefined, address)).toBeUndefined();
  });
});

const proxies = createProxyAddresses(['127.0.0.1', '10.1.0.0/16']);

const clients: [
  peer: string | undefined,
  forwardedFor: string | undefined,
  client: string | undefined,
][] = [
  // Not a proxy: the peer is the client, whatever it claims.
  ['203.0.113.5', '198.51.100.1', '203.0.113.5'],
  ['::ffff:203.0.113.5', undefined, '203.0.113.5'],
  // A proxy without the header: the proxy itself.
  ['127.0.0.1', undefined, '127.0.0.1'],
  // A proxy naming its client.
  ['127.0.0.1', '198.51.100.1', '198.51.100.1'],
  ['::ffff:127.0.0.1', ' 198.51.100.1 ', '198.51.100.1'],
  // Entries left of the first untrusted hop were written by the client: never believed.
  ['127.0.0.1', '6.6.6.6, 198.51.100.1', '198.51.100.1'],
  // A chain of proxies: the right-most hop that is not one of them.
  ['127.0.0.1', '198.51.100.1, 10.1.2.3', '198.51.100.1'],
  ['127.0.0.1', 'garbage, 10.1.2.3', '10.1.2.3'],
  ['127.0.0.1', 'garbage', '127.0.0.1'],
  ['127.0.0.1', '', '127.0.0.1'],
  ['127.0.0.1', '2001:db8::7', '2001:db8::7'],
  [undefined, '198.51.100.1', undefined],
];

describe('the client behind the proxies', () => {
  it.each(clients)('from %j with X-Forwarded-For %j is %j', (peer, forwardedFor, client) => {
    expect(proxies.client(peer, forwardedFor)).toBe(client);
  });

  it('reads no more than 16 hops of a long header', () => {
    const hops = Array.from({ length: 10_000 }, () => '10.1.0.1').join(',');
    expect(proxies.client('127.0.0.1', `198.51.100.1,${hops}`)).toBe('10.1.0.1');
  });
});

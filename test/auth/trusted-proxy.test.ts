import { describe, expect, it } from 'vitest';
import { createTrustedProxy } from '../../src/auth/trusted-proxy.js';
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

import { BlockList, isIP } from 'node:net';
import { AppError } from '../errors/app-error.js';

export interface TrustedProxySettings {
  /** The request header carrying the username the proxy authenticated, e.g. X-Forwarded-User. */
  header: string;
  /** Addresses and CIDR ranges the proxy connects from; nobody else may send the header. */
  addresses: string[];
}

export const proxyErrors = {
  untrusted: (address: string, header: string) =>
    new AppError(
      'auth.untrusted_proxy',
      `${address} is not a configured proxy address (AUTH_PROXY_ADDRESSES) and may not send ${header}`,
      { details: { address } },
    ),
};

/** Node reports IPv4 clients of a dual-stack socket as ::ffff:a.b.c.d. */
function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address;
}

function blockListOf(addresses: string[]): BlockList {
  const list = new BlockList();
  for (const entry of addresses) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

/**
 * Trusted reverse-proxy mode: the username in `header` is believed only on connections from
 * `addresses`. The same header from anywhere else is refused outright rather than ignored,
 * so a misconfigured proxy shows up at once instead of as a puzzling login page.
 */
export function createTrustedProxy(settings: TrustedProxySettings) {
  const trusted = blockListOf(settings.addresses);
  const header = settings.header.toLowerCase();
  return {
    header,
    /** The proxied username, undefined when the request carries none. */
    username(headerValue: string | undefined, remoteAddress: string | undefined) {
      if (headerValue === undefined) return undefined;
      const address = plainAddress(remoteAddress ?? '');
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (isIP(address) === 0 || !trusted.check(address, family)) {
        throw proxyErrors.untrusted(address || 'an unknown address', settings.header);
      }
      return headerValue.trim();
    },
  };
}

export type TrustedProxy = ReturnType<typeof createTrustedProxy>;

import { BlockList, isIP } from 'node:net';
import { authErrors } from './errors.js';

export interface TrustedProxySettings {
  /** The request header carrying the username the proxy authenticated, e.g. X-Forwarded-User. */
  header: string;
  /** Addresses and CIDR ranges the proxy connects from; nobody else may send the header. */
  addresses: string[];
}

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

/** Hops of X-Forwarded-For read at most, from the right; a longer list is a client's doing. */
const MAX_HOPS = 16;

/**
 * The reverse proxies in front of the server (AUTH_PROXY_ADDRESSES). A request from one of
 * them comes on behalf of a client it names in X-Forwarded-For; anyone else is the client.
 */
export function createProxyAddresses(addresses: string[]) {
  const list = blockListOf(addresses);
  const trusts = (address: string) => {
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    return isIP(address) !== 0 && list.check(address, family);
  };
  return {
    /** Whether `remoteAddress` is one of the proxies. */
    trusts: (remoteAddress: string | undefined) => trusts(plainAddress(remoteAddress ?? '')),
    /**
     * The client's address: the peer itself unless it is a proxy; behind proxies, the
     * right-most X-Forwarded-For hop that is not a proxy (hops further left are whatever
     * the client wrote, so they are never believed).
     */
    client(remoteAddress: string | undefined, forwardedFor: string | undefined) {
      const peer = remoteAddress === undefined ? undefined : plainAddress(remoteAddress);
      if (peer === undefined || forwardedFor === undefined || !trusts(peer)) return peer;
      const hops = forwardedFor
        .split(',')
        .slice(-MAX_HOPS)
        .map((hop) => plainAddress(hop.trim()));
      let client = peer;
      for (const hop of hops.reverse()) {
        if (isIP(hop) === 0) break;
        client = hop;
        if (!trusts(hop)) break;
      }
      return client;
    },
  };
}

export type ProxyAddresses = ReturnType<typeof createProxyAddresses>;

/**
 * Trusted reverse-proxy mode: the username in `header` is believed only on connections from
 * `addresses`. The same header from anywhere else is refused outright rather than ignored,
 * so a misconfigured proxy shows up at once instead of as a puzzling login page.
 */
export function createTrustedProxy(settings: TrustedProxySettings) {
  const proxies = createProxyAddresses(settings.addresses);
  const header = settings.header.toLowerCase();
  return {
    header,
    /** The proxied username, undefined when the request carries none. */
    username(headerValue: string | undefined, remoteAddress: string | undefined) {
      if (headerValue === undefined) return undefined;
      if (!proxies.trusts(remoteAddress)) {
        const address = plainAddress(remoteAddress ?? '');
        throw authErrors.untrustedProxy(address || 'an unknown address', settings.header);
      }
      return headerValue.trim();
    },
  };
}

export type TrustedProxy = ReturnType<typeof createTrustedProxy>;

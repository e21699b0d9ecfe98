import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Which addresses an outgoing request may reach. Refused unless the operator allowed them
 * (PARLEY_WEBHOOK_ALLOWED_NETWORKS): loopback, private (RFC 1918, CGNAT), link-local (the
 * cloud metadata service at 169.254.169.254 among them), unique-local and link-local IPv6,
 * unspecified, multicast and reserved ranges, the same IPv4 ranges mapped into IPv6, and NAT64.
 */
const REFUSED: ReadonlyArray<readonly [string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['224.0.0.0', 3, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
  // NAT64 reaches IPv4 hosts through a translator: refused. (IPv4-mapped ::ffff:a.b.c.d is
  // judged as the IPv4 address it names: BlockList matches IPv4 rules against it.)
  ['64:ff9b::', 96, 'ipv6'],
];

/** Thrown (as a lookup error) when a name resolves to a refused address. */
export class RefusedAddressError extends Error {
  override readonly name = 'RefusedAddressError';
}

/**
 * Decides on addresses, and makes the `lookup` that outgoing requests connect through: it
 * resolves the name, checks every address it resolves to (one refused address refuses the
 * name, so a name cannot hide the metadata service behind a public address), and hands the
 * socket the checked address itself, so a second resolution cannot change it (DNS rebinding).
 */
export class AddressGuard {
  private readonly refused = new BlockList();
  private readonly allowed = new BlockList();

  constructor(allowedNetworks: readonly string[]) {
    for (const [address, prefix, family] of REFUSED) this.refused.addSubnet(address, prefix, family);
    for (const cidr of allowedNetworks) {
      const [address = '', prefix = ''] = cidr.split('/');
      this.allowed.addSubnet(address, Number(prefix), isIP(address) === 6 ? 'ipv6' : 'ipv4');
    }
  }

  /** True when a request may go to `address` (an IP literal). */
  permits(address: string): boolean {
    if (isIP(address) === 0) return false;
    // A mapped IPv4 address (either spelling) is judged as the IPv4 address it names.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] ?? fromHexMapped(address);
    const [judged, family] = mapped !== undefined ? [mapped, 'ipv4' as const] : [address, isIP(address) === 6 ? ('ipv6' as const) : ('ipv4' as const)];
    if (this.allowed.check(judged, family)) return true;
    return !this.refused.check(judged, family);
  }

  /**
   * Refuses a URL whose host is a refused IP literal. Node connects to a literal without
   * calling `lookup`, so literals are judged here, before any request; names by `lookup`.
   */
  checkLiteral(url: URL): void {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) !== 0 && !this.permits(host)) throw new RefusedAddressError(`${host} is a refused address`);
  }

  /** A `lookup` for http.request: resolves, refuses if any address is refused, connects to the first checked one. */
  readonly lookup: LookupFunction = (hostname, _options, callback) => {
    const done = callback as (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
    const host = hostname.replace(/^\[|\]$/g, '');
    const judge = (addresses: LookupAddress[]): void => {
      const bad = addresses.find((entry) => !this.permits(entry.address));
      if (addresses.length === 0) return done(new RefusedAddressError(`${host} resolves to no address`), '');
      if (bad) return done(new RefusedAddressError(`${host} resolves to ${bad.address}, a refused address`), '');
      const first = addresses[0] as LookupAddress;
      // Node ≥ 20 asks for all addresses (autoSelectFamily); answer in the shape it asked for.
      if ((_options as { all?: boolean }).all) return done(null, addresses);
      done(null, first.address, first.family);
    };
    if (isIP(host) !== 0) return judge([{ address: host, family: isIP(host) }]);
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => {
      if (error) return done(error, '');
      judge(addresses);
    });
  };
}

/** `::ffff:7f00:1` (how URL parsing writes ::ffff:127.0.0.1) as `127.0.0.1`; undefined for anything else. */
function fromHexMapped(address: string): string | undefined {
  const match = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!match?.[1] || !match[2]) return undefined;
  const high = parseInt(match[1], 16);
  const low = parseInt(match[2], 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/** Where the client address comes from. */
export interface ClientIpOptions {
  /** True only behind proxies that append to X-Forwarded-For (the ALB does). */
  trustProxy: boolean;
  /** How many such proxies are in front of the gateway. */
  trustedHops: number;
}

/**
 * The address to rate-limit by. Behind trusted proxies it is the entry `trustedHops` from the
 * RIGHT of X-Forwarded-For: the leftmost entries are whatever the client chose to send (a
 * proxy appends, it does not replace), so trusting the first hop would let anyone pick a fresh
 * bucket per request. Without trusted proxies it is the socket peer.
 */
export function clientIp(
  forwardedFor: string | null,
  socketAddress: string | undefined,
  options: ClientIpOptions,
) {
  let address = socketAddress;
  if (options.trustProxy && forwardedFor) {
    const hops = forwardedFor
      .split(",")
      .map((hop) => hop.trim())
      .filter(Boolean);
    address = hops[Math.max(0, hops.length - options.trustedHops)] ?? address;
  }
  return bucketAddress(address ?? "unknown");
}

/**
 * IPv4 as is; IPv6 by its /64, because one subscriber usually holds a whole /64 and could
 * otherwise rotate through 2^64 addresses (and buckets).
 */
export function bucketAddress(address: string): string {
  const ip = address.slice(0, 64).toLowerCase();
  if (ip.startsWith("::ffff:") && ip.includes(".")) return ip.slice(7);
  if (!ip.includes(":")) return ip;
  return ipv6Prefix64(ip) ?? ip;
}

function ipv6Prefix64(ip: string): string | undefined {
  const parts = ip.split("::");
  if (parts.length > 2) return undefined;
  const head = parts[0] ? parts[0].split(":") : [];
  const tail = parts[1] ? parts[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if (parts.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(missing).fill("0"), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(":")}::/64`;
}

/**
 * Connections per client address, for `maxConnectionsPerIp`: pending upgrades and open channels
 * alike, so a burst of upgrades cannot slip past the cap while its decisions are pending.
 */
export class AddressCounts {
  readonly #counts = new Map<string, number>();

  /** Connections counted against `address`'s key now. */
  of(address: string): number {
    return this.#counts.get(addressKey(address)) ?? 0;
  }

  add(address: string): void {
    const key = addressKey(address);
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  remove(address: string): void {
    const key = addressKey(address);
    const count = (this.#counts.get(key) ?? 0) - 1;
    // Deleted at zero, so the map holds only addresses with connections now.
    if (count > 0) this.#counts.set(key, count);
    else this.#counts.delete(key);
  }
}

/**
 * The key an address is counted under: an IPv4 address as itself (also when an engine reports it
 * IPv4-mapped, `::ffff:127.0.0.1`), an IPv6 address by its /64 prefix, since one host is handed a
 * whole /64 and could otherwise open connections from as many addresses as it likes.
 */
export function addressKey(address: string): string {
  const lower = address.toLowerCase();
  if (!lower.includes(":")) return lower;
  const groups = expandIpv6(lower.split("%")[0] ?? lower);
  if (!groups) return lower;
  if (groups.slice(0, 5).every((g) => g === "0") && groups[5] === "ffff") {
    const [high, low] = [
      Number.parseInt(groups[6] ?? "0", 16),
      Number.parseInt(groups[7] ?? "0", 16),
    ];
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return `${groups.slice(0, 4).join(":")}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, without leading zeros; undefined if malformed. */
function expandIpv6(address: string): string[] | undefined {
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  // A trailing dotted quad holds the last two groups.
  const last = tail.length > 0 ? tail : head;
  const quad = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(last[last.length - 1] ?? "");
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    last.splice(-1, 1, ((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
  }
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return groups.map((g) => Number.parseInt(g, 16).toString(16));
}

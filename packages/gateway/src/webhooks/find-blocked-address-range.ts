// Which addresses a webhook may not be sent to: anything that is not publicly routable, so a tenant
// cannot make the gateway call into its own network (SSRF). Written out rather than taken from
// net.BlockList because the IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4) must be
// judged by the address they carry.

interface Range {
  base: bigint;
  prefixLength: number;
  label: string;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  const withoutZone = text.split("%")[0] ?? "";
  let head = withoutZone;
  let tailWords: number[] = [];
  const lastColon = head.lastIndexOf(":");
  if (head.includes(".") && lastColon >= 0) {
    const ipv4 = parseIpv4(head.slice(lastColon + 1));
    if (ipv4 === undefined) return undefined;
    tailWords = [Number(ipv4 >> 16n), Number(ipv4 & 0xffffn)];
    head = head.slice(0, lastColon + 1);
    if (head.endsWith(":") && !head.endsWith("::")) head = head.slice(0, -1);
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const toWords = (part: string | undefined): number[] | undefined => {
    if (part === undefined || part === "") return [];
    const words: number[] = [];
    for (const word of part.split(":")) {
      if (!/^[0-9a-f]{1,4}$/i.test(word)) return undefined;
      words.push(parseInt(word, 16));
    }
    return words;
  };
  const left = toWords(halves[0]);
  const right = toWords(halves[1]);
  if (!left || !right) return undefined;
  const explicit = left.length + right.length + tailWords.length;
  let words: number[];
  if (halves.length === 2) {
    if (explicit > 7) return undefined;
    words = [...left, ...new Array<number>(8 - explicit).fill(0), ...right, ...tailWords];
  } else {
    if (explicit !== 8) return undefined;
    words = [...left, ...tailWords];
  }
  return words.reduce((value, word) => (value << 16n) | BigInt(word), 0n);
}

const ipv4 = (cidr: string, label: string): Range => {
  const [address = "", prefix = "32"] = cidr.split("/");
  return { base: parseIpv4(address) ?? 0n, prefixLength: Number(prefix), label };
};
const ipv6 = (cidr: string, label: string): Range => {
  const [address = "", prefix = "128"] = cidr.split("/");
  return { base: parseIpv6(address) ?? 0n, prefixLength: Number(prefix), label };
};

const blockedIpv4: readonly Range[] = [
  ipv4("0.0.0.0/8", "this-network"),
  ipv4("10.0.0.0/8", "private"),
  ipv4("100.64.0.0/10", "carrier-grade NAT"),
  ipv4("127.0.0.0/8", "loopback"),
  ipv4("169.254.169.254/32", "cloud metadata"),
  ipv4("169.254.0.0/16", "link-local"),
  ipv4("172.16.0.0/12", "private"),
  ipv4("192.0.0.0/24", "IETF protocol assignments"),
  ipv4("192.0.2.0/24", "documentation"),
  ipv4("192.88.99.0/24", "6to4 relay"),
  ipv4("192.168.0.0/16", "private"),
  ipv4("198.18.0.0/15", "benchmarking"),
  ipv4("198.51.100.0/24", "documentation"),
  ipv4("203.0.113.0/24", "documentation"),
  ipv4("224.0.0.0/4", "multicast"),
  ipv4("240.0.0.0/4", "reserved"),
];

const blockedIpv6: readonly Range[] = [
  ipv6("::/128", "unspecified"),
  ipv6("::1/128", "loopback"),
  ipv6("::/96", "IPv4-compatible"),
  ipv6("64:ff9b:1::/48", "local NAT64"),
  ipv6("100::/64", "discard"),
  ipv6("2001::/32", "Teredo"),
  ipv6("2001:db8::/32", "documentation"),
  ipv6("fc00::/7", "unique local"),
  ipv6("fe80::/10", "link-local"),
  ipv6("fec0::/10", "site-local"),
  ipv6("ff00::/8", "multicast"),
];

// Forms that carry an IPv4 address: judged by that address.
const embeddingIpv6: readonly { range: Range; extract: (value: bigint) => bigint }[] = [
  { range: ipv6("::ffff:0:0/96", "IPv4-mapped"), extract: (value) => value & 0xffffffffn },
  { range: ipv6("64:ff9b::/96", "NAT64"), extract: (value) => value & 0xffffffffn },
  { range: ipv6("2002::/16", "6to4"), extract: (value) => (value >> 80n) & 0xffffffffn },
];

const globalUnicast = ipv6("2000::/3", "global unicast");

function contains(range: Range, value: bigint, bits: number): boolean {
  const shift = BigInt(bits - range.prefixLength);
  return value >> shift === range.base >> shift;
}

function findIpv4(value: bigint): string | undefined {
  return blockedIpv4.find((range) => contains(range, value, 32))?.label;
}

/**
 * Why an address may not receive webhooks ("loopback", "private", "cloud metadata", …), or
 * undefined when it is publicly routable. Text that is not an IP address counts as blocked.
 */
export function findBlockedAddressRange(address: string): string | undefined {
  const v4 = parseIpv4(address);
  if (v4 !== undefined) return findIpv4(v4);
  const v6 = parseIpv6(address);
  if (v6 === undefined) return "not an IP address";
  for (const { range, extract } of embeddingIpv6) {
    if (contains(range, v6, 128)) {
      const embedded = findIpv4(extract(v6));
      return embedded === undefined ? undefined : `${embedded} (${range.label})`;
    }
  }
  const blocked = blockedIpv6.find((range) => contains(range, v6, 128));
  if (blocked) return blocked.label;
  return contains(globalUnicast, v6, 128) ? undefined : "not global unicast";
}

import { isIP } from "node:net"

/**
 * Classifies IP addresses for the SSRF guard: is this address somewhere a
 * webhook may be sent on the public internet, or does it point back into the
 * sender's own network (loopback, private ranges, link-local, cloud metadata)?
 *
 * IPv6 forms that embed an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`,
 * IPv4-translated, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are classified by
 * the embedded address, so `::ffff:127.0.0.1` is loopback, not public.
 *
 * @since 0.1.0
 */

/**
 * What kind of address an IP is. Only `public` is deliverable by default.
 *
 * @since 0.1.0
 * @category models
 */
export type AddressClass =
  | "public"
  | "loopback"
  | "private"
  | "link_local"
  | "cgnat"
  | "unspecified"
  | "multicast"
  | "reserved"
  | "metadata"

interface Range {
  readonly bytes: ReadonlyArray<number>
  readonly bits: number
  readonly class: AddressClass
}

const v4 = (cidr: string, cls: AddressClass): Range => {
  const [ip, bits] = cidr.split("/") as [string, string]
  return { bytes: ip.split(".").map(Number), bits: Number(bits), class: cls }
}

const v6 = (cidr: string, cls: AddressClass): Range => {
  const [ip, bits] = cidr.split("/") as [string, string]
  return { bytes: parseV6(ip)!, bits: Number(bits), class: cls }
}

// Most specific first: the first matching range wins.
const ipv4Ranges: ReadonlyArray<Range> = [
  v4("169.254.169.254/32", "metadata"), // AWS, GCP, Azure, OpenStack, DigitalOcean…
  v4("169.254.170.2/32", "metadata"), // AWS ECS task metadata
  v4("100.100.100.200/32", "metadata"), // Alibaba Cloud
  v4("0.0.0.0/8", "unspecified"),
  v4("127.0.0.0/8", "loopback"),
  v4("10.0.0.0/8", "private"),
  v4("172.16.0.0/12", "private"),
  v4("192.168.0.0/16", "private"),
  v4("169.254.0.0/16", "link_local"),
  v4("100.64.0.0/10", "cgnat"),
  v4("224.0.0.0/4", "multicast"),
  v4("192.0.0.0/24", "reserved"), // IETF protocol assignments
  v4("192.0.2.0/24", "reserved"), // TEST-NET-1
  v4("192.88.99.0/24", "reserved"), // 6to4 relay anycast
  v4("198.18.0.0/15", "reserved"), // benchmarking
  v4("198.51.100.0/24", "reserved"), // TEST-NET-2
  v4("203.0.113.0/24", "reserved"), // TEST-NET-3
  v4("240.0.0.0/4", "reserved") // future use + 255.255.255.255 broadcast
]

const ipv6Ranges: ReadonlyArray<Range> = [
  v6("fd00:ec2::254/128", "metadata"), // AWS IMDS over IPv6
  v6("::/128", "unspecified"),
  v6("::1/128", "loopback"),
  v6("::/96", "reserved"), // deprecated IPv4-compatible addresses
  v6("64:ff9b:1::/48", "private"), // local-use NAT64
  v6("100::/64", "reserved"), // discard-only
  v6("2001:db8::/32", "reserved"), // documentation
  v6("2001::/23", "reserved"), // IETF protocol assignments, incl. Teredo
  v6("3fff::/20", "reserved"), // documentation
  v6("5f00::/16", "reserved"), // SRv6 SIDs
  v6("fc00::/7", "private"), // unique local
  v6("fec0::/10", "private"), // deprecated site-local
  v6("fe80::/10", "link_local"),
  v6("ff00::/8", "multicast")
]

// Prefixes whose last 32 bits (or, for 6to4, bits 16-48) carry an IPv4 address.
const embeddingV4: ReadonlyArray<{ readonly range: Range; readonly at: number }> = [
  { range: v6("::ffff:0:0/96", "public"), at: 12 }, // IPv4-mapped
  { range: v6("::ffff:0:0:0/96", "public"), at: 12 }, // IPv4-translated (SIIT)
  { range: v6("64:ff9b::/96", "public"), at: 12 }, // NAT64 well-known prefix
  { range: v6("2002::/16", "public"), at: 2 } // 6to4
]

const globalUnicast = v6("2000::/3", "public")

const matches = (bytes: ReadonlyArray<number>, range: Range): boolean => {
  let bits = range.bits
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff
    if ((bytes[i]! & mask) !== (range.bytes[i]! & mask)) return false
  }
  return true
}

function parseV4(address: string): Array<number> {
  return address.split(".").map(Number)
}

function parseV6(address: string): Array<number> | undefined {
  let text = address
  const bytes: Array<number> = []
  // A trailing dotted quad stands for the last two groups.
  const lastColon = text.lastIndexOf(":")
  let tail: Array<number> = []
  if (text.includes(".", lastColon)) {
    tail = parseV4(text.slice(lastColon + 1))
    text = text.slice(0, lastColon + 1) + "0:0"
  }
  const [head, rest] = text.split("::") as [string, string | undefined]
  const groups = (part: string) => (part === "" ? [] : part.split(":"))
  const left = groups(head)
  const right = rest === undefined ? [] : groups(rest)
  const missing = 8 - left.length - right.length
  if (missing < 0 || (rest === undefined && missing !== 0)) return undefined
  const all = [...left, ...Array<string>(missing).fill("0"), ...right]
  for (const group of all) {
    const n = Number.parseInt(group, 16)
    bytes.push(n >> 8, n & 0xff)
  }
  if (tail.length === 4) bytes.splice(12, 4, ...tail)
  return bytes
}

const classifyV4 = (bytes: ReadonlyArray<number>): AddressClass =>
  ipv4Ranges.find((r) => matches(bytes, r))?.class ?? "public"

const classifyV6 = (bytes: ReadonlyArray<number>): AddressClass => {
  // The embedding prefixes overlap none of the ranges below, so the order of
  // the two checks does not matter; the embedded IPv4 address decides.
  for (const e of embeddingV4) {
    if (matches(bytes, e.range)) return classifyV4(bytes.slice(e.at, e.at + 4))
  }
  const direct = ipv6Ranges.find((r) => matches(bytes, r))
  if (direct !== undefined) return direct.class
  // Outside 2000::/3 everything is unassigned or special-purpose.
  return matches(bytes, globalUnicast) ? "public" : "reserved"
}

/**
 * Removes the brackets of an IPv6 URL host and an IPv6 zone id
 * (`[fe80::1%eth0]` → `fe80::1`).
 *
 * @since 0.1.0
 * @category utils
 */
export const normalize = (address: string): string => {
  let text = address.trim()
  if (text.startsWith("[") && text.endsWith("]")) text = text.slice(1, -1)
  const zone = text.indexOf("%")
  return (zone === -1 ? text : text.slice(0, zone)).toLowerCase()
}

/**
 * Whether a string is an IPv4 or IPv6 literal (brackets and zone ids allowed).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isIpLiteral = (host: string): boolean => isIP(normalize(host)) !== 0

/**
 * The class of an IP address, or `undefined` if `address` is not an IP
 * literal (a host name must be resolved first).
 *
 * @example
 * ```ts
 * import { AddressClass } from "@weft/sink-webhook"
 * AddressClass.classify("10.1.2.3")            // "private"
 * AddressClass.classify("::ffff:127.0.0.1")    // "loopback"
 * AddressClass.classify("169.254.169.254")     // "metadata"
 * AddressClass.classify("93.184.215.14")       // "public"
 * ```
 * @since 0.1.0
 * @category classification
 */
export const classify = (address: string): AddressClass | undefined => {
  const text = normalize(address)
  switch (isIP(text)) {
    case 4:
      return classifyV4(parseV4(text))
    case 6: {
      const bytes = parseV6(text)
      return bytes === undefined ? undefined : classifyV6(bytes)
    }
    default:
      return undefined
  }
}

/**
 * Whether an address may be reached without an explicit allow-list entry.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isPublic = (address: string): boolean => classify(address) === "public"

const descriptions: Record<AddressClass, string> = {
  public: "a public address",
  loopback: "a loopback address",
  private: "a private-network address",
  link_local: "a link-local address",
  cgnat: "a carrier-grade NAT (shared) address",
  unspecified: "an unspecified address",
  multicast: "a multicast address",
  reserved: "a reserved or special-purpose address",
  metadata: "a cloud metadata endpoint"
}

/**
 * A short phrase for error messages ("a loopback address").
 *
 * @since 0.1.0
 * @category utils
 */
export const describe = (cls: AddressClass): string => descriptions[cls]

import { describe, expect, it } from "@effect/vitest"
import { AddressClass } from "../src/index.js"

const table: ReadonlyArray<readonly [string, AddressClass.AddressClass]> = [
  // IPv4 loopback, unspecified
  ["127.0.0.1", "loopback"],
  ["127.255.255.254", "loopback"],
  ["0.0.0.0", "unspecified"],
  ["0.1.2.3", "unspecified"],
  // private
  ["10.0.0.1", "private"],
  ["10.255.255.255", "private"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["172.15.255.255", "public"],
  ["172.32.0.0", "public"],
  ["192.168.1.1", "private"],
  ["192.169.0.1", "public"],
  // link-local and metadata
  ["169.254.0.1", "link_local"],
  ["169.254.169.254", "metadata"],
  ["169.254.170.2", "metadata"],
  ["100.100.100.200", "metadata"],
  // CGNAT
  ["100.64.0.1", "cgnat"],
  ["100.127.255.255", "cgnat"],
  ["100.63.255.255", "public"],
  ["100.128.0.0", "public"],
  // multicast, reserved, broadcast
  ["224.0.0.1", "multicast"],
  ["239.255.255.250", "multicast"],
  ["240.0.0.1", "reserved"],
  ["255.255.255.255", "reserved"],
  ["192.0.0.8", "reserved"],
  ["192.0.2.10", "reserved"],
  ["198.18.0.1", "reserved"],
  ["198.51.100.7", "reserved"],
  ["203.0.113.9", "reserved"],
  // public IPv4
  ["8.8.8.8", "public"],
  ["1.1.1.1", "public"],
  ["93.184.215.14", "public"],
  ["11.0.0.1", "public"],
  // IPv6 basics
  ["::", "unspecified"],
  ["::1", "loopback"],
  ["0:0:0:0:0:0:0:1", "loopback"],
  ["fe80::1", "link_local"],
  ["fe80::1%eth0", "link_local"],
  ["febf:ffff::1", "link_local"],
  ["fc00::1", "private"],
  ["fd12:3456:789a::1", "private"],
  ["fec0::1", "private"],
  ["fd00:ec2::254", "metadata"],
  ["ff02::1", "multicast"],
  ["2001:db8::1", "reserved"],
  ["2001::1", "reserved"],
  ["100::1", "reserved"],
  ["::2", "reserved"],
  ["4000::1", "reserved"],
  ["2606:4700:4700::1111", "public"],
  ["2a00:1450:4001:80b::200e", "public"],
  ["[2606:4700:4700::1111]", "public"],
  ["[::1]", "loopback"],
  // IPv4-mapped and other embeddings take the class of the IPv4 address
  ["::ffff:127.0.0.1", "loopback"],
  ["::ffff:7f00:1", "loopback"],
  ["::FFFF:10.0.0.1", "private"],
  ["::ffff:169.254.169.254", "metadata"],
  ["::ffff:a9fe:a9fe", "metadata"],
  ["::ffff:100.64.0.1", "cgnat"],
  ["::ffff:0.0.0.0", "unspecified"],
  ["::ffff:192.168.0.1", "private"],
  ["::ffff:224.0.0.1", "multicast"],
  ["::ffff:8.8.8.8", "public"],
  ["0:0:0:0:0:ffff:7f00:1", "loopback"],
  ["::ffff:0:127.0.0.1", "loopback"],
  ["64:ff9b::127.0.0.1", "loopback"],
  ["64:ff9b::a9fe:a9fe", "metadata"],
  ["64:ff9b::808:808", "public"],
  ["64:ff9b:1::1", "private"],
  ["2002:7f00:1::", "loopback"],
  ["2002:c0a8:101::1", "private"],
  ["2002:808:808::1", "public"]
]

describe("AddressClass.classify", () => {
  for (const [address, expected] of table) {
    it(`${address} is ${expected}`, () => {
      expect(AddressClass.classify(address)).toBe(expected)
      expect(AddressClass.isPublic(address)).toBe(expected === "public")
    })
  }

  it("is undefined for host names and malformed addresses", () => {
    for (const input of ["example.com", "localhost", "1.2.3", "01.2.3.4", "1.2.3.256", ":::1", "12345::", ""]) {
      expect(AddressClass.classify(input)).toBeUndefined()
    }
  })

  it("describes every class", () => {
    expect(AddressClass.describe("metadata")).toBe("a cloud metadata endpoint")
    expect(AddressClass.describe("loopback")).toBe("a loopback address")
  })
})

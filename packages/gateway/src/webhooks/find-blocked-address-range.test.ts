import assert from "node:assert/strict";
import { test } from "node:test";
import { findBlockedAddressRange } from "./find-blocked-address-range.ts";

test("private, loopback, link-local, CGNAT, metadata, multicast and reserved IPv4 are blocked", () => {
  const cases: [string, string][] = [
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["100.127.255.255", "carrier-grade NAT"],
    ["169.254.169.254", "cloud metadata"],
    ["169.254.1.1", "link-local"],
    ["0.0.0.0", "this-network"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["255.255.255.255", "reserved"],
    ["192.0.2.10", "documentation"],
    ["198.18.0.1", "benchmarking"],
  ];
  for (const [address, label] of cases) assert.equal(findBlockedAddressRange(address), label, address);
});

test("public IPv4 passes, including neighbours of the blocked ranges", () => {
  for (const address of [
    "8.8.8.8",
    "1.1.1.1",
    "172.15.255.255",
    "172.32.0.0",
    "100.63.255.255",
    "100.128.0.0",
    "169.253.255.255",
    "11.0.0.0",
    "93.184.216.34",
  ]) {
    assert.equal(findBlockedAddressRange(address), undefined, address);
  }
});

test("IPv6 loopback, ULA, link-local, multicast and unspecified are blocked", () => {
  const cases: [string, string][] = [
    ["::1", "loopback"],
    ["0:0:0:0:0:0:0:1", "loopback"],
    ["::", "unspecified"],
    ["fd00::1", "unique local"],
    ["fc12:3456::1", "unique local"],
    ["fd00:ec2::254", "unique local"],
    ["fe80::1%eth0", "link-local"],
    ["ff02::1", "multicast"],
    ["2001:db8::1", "documentation"],
    ["::ffff:7f00:1", "loopback (IPv4-mapped)"],
  ];
  for (const [address, label] of cases) assert.equal(findBlockedAddressRange(address), label, address);
});

test("IPv6 that embeds an IPv4 address is judged by that address", () => {
  assert.equal(findBlockedAddressRange("::ffff:127.0.0.1"), "loopback (IPv4-mapped)");
  assert.equal(findBlockedAddressRange("::ffff:169.254.169.254"), "cloud metadata (IPv4-mapped)");
  assert.equal(findBlockedAddressRange("::ffff:8.8.8.8"), undefined);
  assert.equal(findBlockedAddressRange("64:ff9b::10.0.0.1"), "private (NAT64)");
  assert.equal(findBlockedAddressRange("64:ff9b::808:808"), undefined);
  assert.equal(findBlockedAddressRange("2002:c0a8:0101::1"), "private (6to4)");
  assert.equal(findBlockedAddressRange("2002:0808:0808::1"), undefined);
});

test("global unicast IPv6 passes; anything else or not an address is blocked", () => {
  assert.equal(findBlockedAddressRange("2606:4700:4700::1111"), undefined);
  assert.equal(findBlockedAddressRange("2a00:1450:4001:81c::200e"), undefined);
  assert.equal(findBlockedAddressRange("4000::1"), "not global unicast");
  assert.equal(findBlockedAddressRange("example.com"), "not an IP address");
  assert.equal(findBlockedAddressRange("1.2.3"), "not an IP address");
  assert.equal(findBlockedAddressRange("1::2::3"), "not an IP address");
  assert.equal(findBlockedAddressRange("1:2:3:4:5:6:7:8:9"), "not an IP address");
});

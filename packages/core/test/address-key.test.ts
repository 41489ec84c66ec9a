import { describe, expect, it } from "vitest";
import { AddressCounts, addressKey } from "../src/address-counts.js";

describe("maxConnectionsPerIp counts by address key", () => {
  it.each([
    ["127.0.0.1", "127.0.0.1"],
    ["::ffff:127.0.0.1", "127.0.0.1"],
    ["0000:0000:0000:0000:0000:ffff:7f00:0001", "127.0.0.1"],
    ["::1", "0:0:0:0::/64"],
    ["2001:db8:1:2::1", "2001:db8:1:2::/64"],
    ["2001:0DB8:0001:0002:ffff:0:0:9", "2001:db8:1:2::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["2001:db8::", "2001:db8:0:0::/64"],
    ["::ffff:10.0.0.7", "10.0.0.7"],
    ["64:ff9b::192.0.2.33", "64:ff9b:0:0::/64"],
  ])("%s is counted as %s", (address, key) => {
    expect(addressKey(address)).toBe(key);
  });

  it("keeps what it cannot parse as itself, so it is still counted", () => {
    expect(addressKey("not:an::add::ress")).toBe("not:an::add::ress");
    expect(addressKey("")).toBe("");
  });

  it("counts one host's addresses in a /64 together and forgets an address at zero", () => {
    const counts = new AddressCounts();
    counts.add("2001:db8:1:2::1");
    counts.add("2001:db8:1:2::ffff");
    counts.add("127.0.0.1");
    expect(counts.of("2001:db8:1:2:abcd::")).toBe(2);
    expect(counts.of("::ffff:127.0.0.1")).toBe(1);
    counts.remove("127.0.0.1");
    counts.remove("2001:db8:1:2::1");
    expect(counts.of("127.0.0.1")).toBe(0);
    expect(counts.of("2001:db8:1:2::ffff")).toBe(1);
  });
});

/** The CIDR helpers of components/shared/net.ts that the subnet plans build on. */
import * as assert from "assert";
import fc from "fast-check";
import { blockSize, cidrContains, cidrsOverlap, parseCidr, subnetAt } from "../components/shared/net";

const at = (cidr: string): number => {
  const c = parseCidr(cidr);
  if (!c) throw new Error(`test CIDR ${cidr} is malformed`);
  return c.base;
};

describe("subnetAt", function () {
  it("counts blocks of the given prefix from the start address", function () {
    assert.strictEqual(subnetAt(at("10.0.0.0/16"), 19, 0), "10.0.0.0/19");
    assert.strictEqual(subnetAt(at("10.0.0.0/16"), 19, 2), "10.0.64.0/19");
    assert.strictEqual(subnetAt(at("10.0.192.0/19"), 22, 1), "10.0.196.0/22");
    assert.strictEqual(subnetAt(at("172.16.0.0/18"), 21, 5), "172.16.40.0/21");
  });

  it("crosses octet boundaries and reaches the top of the address space", function () {
    assert.strictEqual(subnetAt(at("10.0.255.0/24"), 24, 1), "10.1.0.0/24");
    assert.strictEqual(subnetAt(0, 1, 1), "128.0.0.0/1");
    assert.strictEqual(subnetAt(at("255.255.255.0/24"), 32, 255), "255.255.255.255/32");
  });

  it("gives consecutive, non-overlapping, aligned blocks inside the parent", function () {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 1, max: 8 }),
        fc.nat(),
        (prefix, extra, seed) => {
          const parentStart = (seed % 2 ** prefix) * blockSize(prefix);
          const parent = subnetAt(parentStart, prefix, 0);
          const count = 2 ** extra;
          const blocks = [...Array(count).keys()].map((i) => subnetAt(parentStart, prefix + extra, i));
          blocks.forEach((b, i) => {
            const c = parseCidr(b);
            assert.ok(c, b);
            assert.strictEqual(c.prefix, prefix + extra);
            assert.strictEqual(c.base % blockSize(c.prefix), 0, `${b} is not aligned`);
            assert.ok(cidrContains(parent, b), `${b} is outside ${parent}`);
            if (i > 0) assert.ok(!cidrsOverlap(blocks[i - 1], b), `${blocks[i - 1]} overlaps ${b}`);
          });
          assert.strictEqual(blocks[0], `${parent.split("/")[0]}/${prefix + extra}`);
        },
      ),
    );
  });
});

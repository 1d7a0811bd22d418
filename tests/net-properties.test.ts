/**
 * Properties of the IPv4 CIDR arithmetic (components/shared/net.ts) over generated addresses and
 * prefixes, against an independent model: each CIDR as the BigInt range of its addresses.
 */
import * as assert from "assert";
import fc from "fast-check";
import {
  cidrContains,
  cidrsOverlap,
  formatIp,
  isOpenToWorld,
  networkOf,
  parseCidr,
} from "../components/shared/net";

const octet = fc.integer({ min: 0, max: 255 });
const prefix = fc.integer({ min: 0, max: 32 });
const address = fc.tuple(octet, octet, octet, octet);
const cidrArb = fc.tuple(address, prefix).map(([o, p]) => `${o.join(".")}/${p}`);

/** The model: [first, last] address of a CIDR, computed with BigInt bit masks. */
function range(cidr: string): [bigint, bigint] {
  const [ip, p] = cidr.split("/");
  const n = ip.split(".").reduce((acc, o) => (acc << 8n) | BigInt(o), 0n);
  const hostBits = 32n - BigInt(p);
  const first = (n >> hostBits) << hostBits;
  return [first, first + (1n << hostBits) - 1n];
}

describe("IPv4 CIDR arithmetic (properties)", () => {
  it("parses every well-formed CIDR to its address and prefix; formatIp inverts the address", () => {
    fc.assert(
      fc.property(address, prefix, (o, p) => {
        const parsed = parseCidr(`${o.join(".")}/${p}`);
        assert.ok(parsed);
        assert.equal(parsed.prefix, p);
        assert.equal(formatIp(parsed.base), o.join("."));
      }),
    );
  });

  it("refuses an octet above 255, a prefix above 32 and anything that is not a.b.c.d/p", () => {
    fc.assert(
      fc.property(
        address,
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 256, max: 999 }),
        prefix,
        (o, i, big, p) => {
          const bad = [...o];
          bad[i] = big;
          assert.equal(parseCidr(`${bad.join(".")}/${p}`), undefined);
        },
      ),
    );
    fc.assert(
      fc.property(address, fc.integer({ min: 33, max: 99 }), (o, p) =>
        assert.equal(parseCidr(`${o.join(".")}/${p}`), undefined),
      ),
    );
    for (const s of [
      "10.0.0.0",
      "10.0.0/8",
      "10.0.0.0/",
      " 10.0.0.0/8",
      "10.0.0.0/8 ",
      "a.b.c.d/8",
      "10.0.0.0/-1",
    ]) {
      assert.equal(parseCidr(s), undefined, s);
    }
  });

  it("networkOf clears exactly the host bits", () => {
    fc.assert(
      fc.property(cidrArb, (c) => {
        const parsed = parseCidr(c);
        assert.ok(parsed);
        assert.equal(BigInt(networkOf(parsed)), range(c)[0]);
      }),
    );
  });

  it("cidrsOverlap holds exactly when the two address ranges share an address, in both orders", () => {
    fc.assert(
      fc.property(cidrArb, cidrArb, (a, b) => {
        const [a0, a1] = range(a);
        const [b0, b1] = range(b);
        const expected = a0 <= b1 && b0 <= a1;
        assert.equal(cidrsOverlap(a, b), expected, `${a} ~ ${b}`);
        assert.equal(cidrsOverlap(b, a), expected, `${b} ~ ${a}`);
      }),
    );
  });

  it("cidrContains holds exactly when the inner range lies inside the outer one; an address is a /32", () => {
    fc.assert(
      fc.property(cidrArb, cidrArb, (outer, inner) => {
        const [o0, o1] = range(outer);
        const [i0, i1] = range(inner);
        assert.equal(cidrContains(outer, inner), o0 <= i0 && i1 <= o1, `${inner} in ${outer}`);
      }),
    );
    fc.assert(
      fc.property(cidrArb, address, (outer, o) => {
        const [o0, o1] = range(outer);
        const [ip] = range(`${o.join(".")}/32`);
        assert.equal(cidrContains(outer, o.join(".")), o0 <= ip && ip <= o1);
      }),
    );
  });

  it("a block next to another never overlaps it (the boundary on both sides)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 32 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (p, n) => {
        const size = 2 ** (32 - p);
        const first = n - (n % size);
        if (first + size > 2 ** 32 - 1) return;
        const a = `${formatIp(first)}/${p}`;
        const b = `${formatIp(first + size)}/${p}`;
        assert.equal(cidrsOverlap(a, b), false, `${a} ~ ${b}`);
        assert.equal(cidrContains(a, formatIp(first + size - 1)), true);
        assert.equal(cidrContains(a, formatIp(first + size)), false);
      }),
    );
  });

  it("only a /0 is open to the world", () => {
    fc.assert(fc.property(cidrArb, (c) => assert.equal(isOpenToWorld(c), c.endsWith("/0"))));
    assert.equal(isOpenToWorld("not-a-cidr"), false);
  });
});

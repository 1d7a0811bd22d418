/**
 * The shared pure rules at their boundaries, with literal expectations: the CIDR arithmetic
 * (components/shared/net.ts), DNS labels (dns.ts), taints (taint.ts) and node pools (node-pools.ts).
 */
import * as assert from "node:assert/strict";
import {
  blockSize,
  cidrContains,
  cidrsOverlap,
  formatIp,
  isOpenToWorld,
  networkOf,
  parseCidr,
  subnetAt,
} from "../components/shared/net";
import { CLUSTER_NAME_MAX, DNS_LABEL_FORMAT, dnsLabelProblems } from "../components/shared/dns";
import { TAINT_FORMAT, readTaint, taintProblems } from "../components/shared/taint";
import {
  AKS_POOL_NAME_FORMAT,
  MAX_POOL_NODES,
  keepsANodeProblems,
  nodeCountRangeProblems,
  nodePoolListProblems,
  nodePoolsProblems,
  poolCountProblems,
  poolNameProblems,
  poolSizeProblems,
  wholeNumberProblems,
} from "../components/shared/node-pools";

const msgs = (ps: { message: string }[]) => ps.map((p) => p.message);

describe("net: parseCidr at its boundaries", () => {
  it("parses the lowest and highest address and prefixes 0 and 32", () => {
    assert.deepEqual(parseCidr("0.0.0.0/0"), { base: 0, prefix: 0 });
    assert.deepEqual(parseCidr("255.255.255.255/32"), { base: 4294967295, prefix: 32 });
    assert.deepEqual(parseCidr("1.2.3.4/24"), { base: 16909060, prefix: 24 });
    assert.deepEqual(parseCidr("10.0.0.0/8"), { base: 167772160, prefix: 8 });
  });

  it("refuses an octet of 256, a prefix of 33, four-digit octets and three-digit prefixes", () => {
    for (const s of ["256.0.0.0/8", "0.256.0.0/8", "0.0.256.0/8", "0.0.0.256/8", "10.0.0.0/33"]) {
      assert.equal(parseCidr(s), undefined, s);
    }
    for (const s of ["1000.0.0.0/8", "10.0.0.0/100", "x10.0.0.0/8", "10.0.0.0/8x", "10.0.0.0.0/8"]) {
      assert.equal(parseCidr(s), undefined, s);
    }
  });
});

describe("net: sizes, addresses, network addresses", () => {
  it("blockSize, formatIp and networkOf", () => {
    assert.equal(blockSize(32), 1);
    assert.equal(blockSize(24), 256);
    assert.equal(blockSize(0), 4294967296);
    assert.equal(formatIp(16909060), "1.2.3.4");
    assert.equal(formatIp(4294967295), "255.255.255.255");
    assert.equal(networkOf({ base: 16909060, prefix: 24 }), 16909056);
    assert.equal(networkOf({ base: 16909060, prefix: 32 }), 16909060);
    assert.equal(subnetAt(167772160, 24, 3), "10.0.3.0/24");
  });
});

describe("net: overlap, containment, open to the world", () => {
  it("cidrsOverlap: adjacent blocks do not overlap, the last address of one does; malformed is false", () => {
    assert.equal(cidrsOverlap("10.0.0.0/24", "10.0.1.0/24"), false);
    assert.equal(cidrsOverlap("10.0.1.0/24", "10.0.0.0/24"), false);
    assert.equal(cidrsOverlap("10.0.0.0/24", "10.0.0.255/32"), true);
    assert.equal(cidrsOverlap("10.0.0.255/32", "10.0.0.0/24"), true);
    assert.equal(cidrsOverlap("10.0.0.5/16", "10.0.200.0/24"), true, "host bits are cleared");
    assert.equal(cidrsOverlap("10.0.0.0/8", "not-a-cidr"), false);
    assert.equal(cidrsOverlap("not-a-cidr", "10.0.0.0/8"), false);
  });

  it("cidrContains: equal blocks, a wider inner block, addresses as /32, malformed", () => {
    assert.equal(cidrContains("10.0.0.0/8", "10.0.0.0/8"), true);
    assert.equal(cidrContains("10.0.0.0/8", "10.0.0.0/7"), false, "a wider block starting inside");
    assert.equal(cidrContains("10.0.0.0/8", "10.255.255.255"), true);
    assert.equal(cidrContains("10.0.0.0/8", "11.0.0.0"), false);
    assert.equal(cidrContains("10.0.0.0/8", "9.255.255.255"), false);
    assert.equal(cidrContains("10.1.2.3/8", "10.0.0.0/16"), true, "the outer block's host bits are cleared");
    assert.equal(cidrContains("10.0.0.0/8", "10.0.0.0/33"), false);
    assert.equal(cidrContains("bad", "10.0.0.0/8"), false);
  });

  it("isOpenToWorld: only a /0", () => {
    assert.equal(isOpenToWorld("0.0.0.0/0"), true);
    assert.equal(isOpenToWorld("10.0.0.0/0"), true);
    assert.equal(isOpenToWorld("0.0.0.0/1"), false);
    assert.equal(isOpenToWorld("0.0.0.0"), false);
  });
});

describe("dns: DNS-1123 labels and their length", () => {
  it("accepts a label of exactly the maximum length, refuses one more character", () => {
    assert.equal(CLUSTER_NAME_MAX, 40);
    assert.deepEqual(dnsLabelProblems("a".repeat(40), 40), []);
    assert.deepEqual(msgs(dnsLabelProblems("a".repeat(41), 40)), ["must be at most 40 characters"]);
    assert.deepEqual(dnsLabelProblems("a1-b", 4), []);
    assert.deepEqual(dnsLabelProblems("a", 1), []);
  });

  it("refuses a leading digit, a trailing '-', uppercase and '_', and reports both problems", () => {
    for (const bad of ["1a", "a-", "aB", "a_b", "-a", ""]) {
      assert.deepEqual(dnsLabelProblems(bad, 40), [{ path: [], message: DNS_LABEL_FORMAT }], bad);
    }
    assert.equal(
      DNS_LABEL_FORMAT,
      "must be a DNS-1123 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
    );
    assert.deepEqual(msgs(dnsLabelProblems("A".repeat(5), 4)), [
      DNS_LABEL_FORMAT,
      "must be at most 4 characters",
    ]);
  });
});

describe("taint: key=value:Effect", () => {
  it("reads the three effects and an empty value", () => {
    assert.deepEqual(readTaint("dedicated=gpu:NoSchedule"), {
      ok: true,
      taint: { key: "dedicated", value: "gpu", effect: "NoSchedule" },
    });
    assert.deepEqual(readTaint("spot=:PreferNoSchedule"), {
      ok: true,
      taint: { key: "spot", value: "", effect: "PreferNoSchedule" },
    });
    assert.deepEqual(readTaint("example.com/x=a.b-c_d:NoExecute"), {
      ok: true,
      taint: { key: "example.com/x", value: "a.b-c_d", effect: "NoExecute" },
    });
  });

  it("refuses another effect (naming it) and every malformed shape", () => {
    assert.deepEqual(readTaint("a=b:Sometimes"), { ok: false, reason: "effect", effect: "Sometimes" });
    for (const bad of [
      "a:NoSchedule",
      "a=b",
      "=b:NoSchedule",
      "a=b:",
      "a=-b:NoSchedule",
      "a-=b:NoSchedule",
    ]) {
      assert.deepEqual(readTaint(bad), { ok: false, reason: "shape" }, bad);
    }
    assert.deepEqual(readTaint(" a=b:NoSchedule"), { ok: false, reason: "shape" });
    assert.deepEqual(readTaint("a=b:NoSchedule "), { ok: false, reason: "shape" });
  });

  it("taintProblems: none for a taint, the format otherwise", () => {
    assert.deepEqual(taintProblems("a=b:NoSchedule"), []);
    assert.equal(
      TAINT_FORMAT,
      'must be a taint "key=value:Effect" (Effect: NoSchedule | PreferNoSchedule | NoExecute)',
    );
    assert.deepEqual(taintProblems("a=b:Never"), [{ path: [], message: TAINT_FORMAT }]);
  });
});

describe("node pools: names, counts and sizes at their boundaries", () => {
  it("pool names: DNS labels of at most 30, AKS names of 1-12 lowercase alphanumerics", () => {
    assert.deepEqual(poolNameProblems("a".repeat(30)), []);
    assert.deepEqual(msgs(poolNameProblems("a".repeat(31))), ["must be at most 30 characters"]);
    assert.deepEqual(poolNameProblems("a".repeat(12), "aks"), []);
    assert.deepEqual(poolNameProblems("a1", "aks"), []);
    const refused = [{ path: [], message: AKS_POOL_NAME_FORMAT }];
    for (const bad of ["a".repeat(13), "1a", "a-b", "Ab", ""])
      assert.deepEqual(poolNameProblems(bad, "aks"), refused, bad);
    assert.equal(
      AKS_POOL_NAME_FORMAT,
      "must be an AKS pool name: 1-12 lowercase letters and digits, starting with a letter",
    );
  });

  it("whole counts; minNodes from 0, maxNodes from 1, both up to 1000", () => {
    assert.deepEqual(wholeNumberProblems(3), []);
    assert.deepEqual(wholeNumberProblems(1.5), [{ path: [], message: "expected int" }]);
    assert.equal(MAX_POOL_NODES, 1000);
    assert.deepEqual(nodeCountRangeProblems(0, "minNodes"), []);
    assert.deepEqual(msgs(nodeCountRangeProblems(-1, "minNodes")), ["must be ≥ 0"]);
    assert.deepEqual(nodeCountRangeProblems(1, "maxNodes"), []);
    assert.deepEqual(msgs(nodeCountRangeProblems(0, "maxNodes")), ["must be ≥ 1"]);
    assert.deepEqual(nodeCountRangeProblems(1000, "maxNodes"), []);
    assert.deepEqual(msgs(nodeCountRangeProblems(1001, "minNodes")), ["must be ≤ 1000"]);
    assert.deepEqual(nodeCountRangeProblems(Number.MAX_SAFE_INTEGER, "maxNodes").length, 1);
    assert.deepEqual(msgs(nodeCountRangeProblems(Number.MAX_SAFE_INTEGER + 2, "maxNodes")), [
      "must be ≤ 9007199254740991",
      "must be ≤ 1000",
    ]);
    assert.deepEqual(msgs(nodeCountRangeProblems(Number.MIN_SAFE_INTEGER, "minNodes")), ["must be ≥ 0"]);
    assert.deepEqual(msgs(nodeCountRangeProblems(Number.MIN_SAFE_INTEGER - 2, "minNodes")), [
      "must be ≥ -9007199254740991",
      "must be ≥ 0",
    ]);
  });

  it("at least one pool; minNodes ≤ maxNodes (equal accepted); a system pool keeps a node", () => {
    assert.deepEqual(poolCountProblems([{}]), []);
    assert.deepEqual(poolCountProblems([]), [{ path: [], message: "must have at least 1 item(s)" }]);
    assert.deepEqual(poolSizeProblems({ minNodes: 3, maxNodes: 3 }), []);
    assert.deepEqual(poolSizeProblems({ minNodes: 4, maxNodes: 3 }), [
      { path: ["minNodes"], message: "must be ≤ maxNodes (3)" },
    ]);
    assert.deepEqual(poolSizeProblems({ minNodes: "4", maxNodes: 3 }), []);
    assert.deepEqual(poolSizeProblems({ minNodes: 4, maxNodes: "3" }), []);
    assert.deepEqual(poolSizeProblems(null), []);
    assert.deepEqual(keepsANodeProblems(1, "aks"), []);
    assert.deepEqual(keepsANodeProblems(0, "aks"), [
      { path: [], message: "must be ≥ 1: the AKS system pool runs CoreDNS and other critical add-ons" },
    ]);
    assert.deepEqual(keepsANodeProblems(0, "doks"), [
      {
        path: [],
        message: "must be ≥ 1: the first DOKS pool is the cluster's default pool and cannot scale to zero",
      },
    ]);
  });

  it("nodePoolListProblems: sizes and repeated names, pool by pool (other types skipped)", () => {
    const pools = [
      { name: "a", minNodes: 1, maxNodes: 2 },
      { name: "b", minNodes: 3, maxNodes: 2 },
      { name: "a", minNodes: 1, maxNodes: 1 },
      { name: 7 },
      { name: 7 },
      "x",
    ];
    assert.deepEqual(nodePoolListProblems(pools), [
      { path: [1, "minNodes"], message: "must be ≤ maxNodes (2)" },
      { path: [2, "name"], message: "duplicates another node pool's name" },
    ]);
  });

  it("nodePoolsProblems: each rule tagged with its pool, in order", () => {
    const pool = (name: string, minNodes: number, maxNodes: number, taints: string[] = []) => ({
      name,
      minNodes,
      maxNodes,
      taints,
    });
    assert.deepEqual(nodePoolsProblems([pool("general", 1, 3, ["a=b:NoSchedule"])]), []);
    assert.deepEqual(nodePoolsProblems([]), [
      { path: [], message: "must have at least 1 item(s)", rule: "count", subject: "" },
    ]);
    assert.deepEqual(
      nodePoolsProblems([pool("a", 1, 2), pool("A", 1.5, 0, ["bad"]), pool("a", 5, 4)], "dnsLabel"),
      [
        { path: [1, "name"], message: DNS_LABEL_FORMAT, rule: "name", subject: "A" },
        { path: [1, "minNodes"], message: "expected int", rule: "integer", subject: "A" },
        { path: [1, "maxNodes"], message: "must be ≥ 1", rule: "size", subject: "A" },
        { path: [1, "minNodes"], message: "must be ≤ maxNodes (0)", rule: "size", subject: "A" },
        { path: [1, "taints", 0], message: TAINT_FORMAT, rule: "taint", subject: "bad" },
        { path: [2, "name"], message: "duplicates another node pool's name", rule: "unique", subject: "a" },
        { path: [2, "minNodes"], message: "must be ≤ maxNodes (4)", rule: "size", subject: "a" },
      ],
    );
    assert.deepEqual(nodePoolsProblems([pool("user-pool", 1, 2)]), [], "DNS-label names by default");
    assert.deepEqual(nodePoolsProblems([pool("user-pool", 1, 2)], "aks"), [
      { path: [0, "name"], message: AKS_POOL_NAME_FORMAT, rule: "name", subject: "user-pool" },
    ]);
    assert.deepEqual(nodePoolsProblems([pool("a", 2000, 2000.5)]), [
      { path: [0, "maxNodes"], message: "expected int", rule: "integer", subject: "a" },
      { path: [0, "minNodes"], message: "must be ≤ 1000", rule: "size", subject: "a" },
    ]);
  });
});

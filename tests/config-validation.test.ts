/**
 * stacks/validation.ts: the shared validators at their boundaries (the minimum Kubernetes minor,
 * CIDR prefix ranges, IPv4 octets) and the formatter's line for every kind of zod issue, with
 * values under secret keys hidden.
 */
import * as assert from "assert";
import { z } from "zod";
import {
  MIN_KUBERNETES_MINOR,
  checkedBy,
  cidr,
  dnsLabel,
  formatIssues,
  formatPath,
  ipv4,
  kubernetesVersion,
  report,
} from "../stacks/validation";

/** The formatted problems of `data` against `schema` (["OK"] when it parses). */
function lines(schema: z.ZodType, data: unknown, secretKeys: string[] = []): string[] {
  const r = schema.safeParse(data);
  return r.success ? ["OK"] : formatIssues(r.error.issues, data, schema, secretKeys);
}

const MINOR = 'must be a Kubernetes minor version like "1.34" (no patch level, no "v")';

describe("validation: the minimum Kubernetes minor", () => {
  it("is 1.32: 1.32 and later accepted, 1.31 refused", () => {
    assert.strictEqual(MIN_KUBERNETES_MINOR, 32);
    assert.deepStrictEqual(lines(kubernetesVersion, "1.32"), ["OK"]);
    assert.deepStrictEqual(lines(kubernetesVersion, "1.33"), ["OK"]);
    assert.deepStrictEqual(lines(kubernetesVersion, "1.99"), ["OK"]);
    assert.deepStrictEqual(lines(kubernetesVersion, "1.31"), [
      ': got "1.31"; must be 1.32 or newer (older versions are out of standard support)',
    ]);
    assert.deepStrictEqual(lines(kubernetesVersion, "1.10"), [
      ': got "1.10"; must be 1.32 or newer (older versions are out of standard support)',
    ]);
  });

  it("a malformed version gets only the format line", () => {
    for (const v of ["1.3", "1.100", "v1.32", "1.32.1", "2.32", " 1.32", "v1.10", "1.10.1"]) {
      assert.deepStrictEqual(lines(kubernetesVersion, v), [`: got ${JSON.stringify(v)}; ${MINOR}`], v);
    }
  });
});

describe("validation: CIDRs and addresses", () => {
  it("a canonical IPv4 CIDR; host bits named with the network address", () => {
    assert.deepStrictEqual(lines(cidr(), "10.0.0.0/16"), ["OK"]);
    assert.deepStrictEqual(lines(cidr(), "0.0.0.0/0"), ["OK"]);
    assert.deepStrictEqual(lines(cidr(), "10.0.0.1/32"), ["OK"]);
    assert.deepStrictEqual(lines(cidr(), "10.0.0.1/16"), [
      ': got "10.0.0.1/16"; has host bits set; the network address is "10.0.0.0/16"',
    ]);
    assert.deepStrictEqual(lines(cidr(), "10.0.0.0"), [
      ': got "10.0.0.0"; must be an IPv4 CIDR like "10.0.0.0/16"',
    ]);
  });

  it("a prefix range: both ends inclusive, one past each refused", () => {
    const range = cidr(16, 28);
    assert.deepStrictEqual(lines(range, "10.0.0.0/16"), ["OK"]);
    assert.deepStrictEqual(lines(range, "10.0.0.0/28"), ["OK"]);
    assert.deepStrictEqual(lines(range, "10.0.0.0/15"), [
      ': got "10.0.0.0/15"; must have a prefix length between /16 and /28',
    ]);
    assert.deepStrictEqual(lines(range, "10.0.0.0/29"), [
      ': got "10.0.0.0/29"; must have a prefix length between /16 and /28',
    ]);
  });

  it("a single prefix is named as a block; host bits and a wrong prefix both reported", () => {
    assert.deepStrictEqual(lines(cidr(28, 28), "10.0.0.0/28"), ["OK"]);
    assert.deepStrictEqual(lines(cidr(28, 28), "10.0.0.0/27"), [': got "10.0.0.0/27"; must be a /28 block']);
    assert.deepStrictEqual(lines(cidr(28, 28), "10.0.0.1/24"), [
      ': got "10.0.0.1/24"; has host bits set; the network address is "10.0.0.0/24"',
      ': got "10.0.0.1/24"; must be a /28 block',
    ]);
  });

  it("an IPv4 address: each octet 0-255", () => {
    for (const v of ["255.255.255.255", "0.0.0.0", "10.0.0.10", "249.200.199.9"]) {
      assert.deepStrictEqual(lines(ipv4, v), ["OK"], v);
    }
    for (const v of ["256.0.0.1", "1.2.3.260", "1.2.3", "1.2.3.4.5", "a.b.c.d", "1.2.3.4 "]) {
      assert.deepStrictEqual(
        lines(ipv4, v),
        [`: got ${JSON.stringify(v)}; must be an IPv4 address like "10.0.0.10"`],
        v,
      );
    }
  });

  it("a DNS label of at most `max` characters", () => {
    assert.deepStrictEqual(lines(dnsLabel(5), "abcde"), ["OK"]);
    const [long] = lines(dnsLabel(5), "abcdef");
    assert.match(long, /^: got "abcdef"; .*5/);
  });
});

describe("validation: pure rules as refinements", () => {
  const rule = (v: string) => (v === "bad" ? [{ path: ["x"], message: "is bad" }] : []);

  it("report adds each problem at its path under `at`; abort stops later refinements", () => {
    const plain = z
      .string()
      .superRefine((v, ctx) => report(ctx, rule(v), ["at"]))
      .refine(() => false, "later");
    assert.deepStrictEqual(lines(plain, "bad"), ["at.x: is bad", ': got "bad"; later']);
    const aborting = z
      .string()
      .superRefine((v, ctx) => report(ctx, rule(v), ["at"], { abort: true }))
      .refine(() => false, "later");
    assert.deepStrictEqual(lines(aborting, "bad"), ["at.x: is bad"]);
    assert.deepStrictEqual(lines(aborting, "good"), [': got "good"; later']);
  });

  it("checkedBy passes its options on", () => {
    const s = z
      .string()
      .superRefine(checkedBy(rule, { abort: true }))
      .refine(() => false, "later");
    assert.deepStrictEqual(lines(s, "bad"), ["x: is bad"]);
    const t = z
      .string()
      .superRefine(checkedBy(rule))
      .refine(() => false, "later");
    assert.deepStrictEqual(lines(t, "bad"), ["x: is bad", ': got "bad"; later']);
  });
});

describe("validation: issue codes", () => {
  it("the CIDR and pure-rule issues are custom issues", () => {
    for (const [schema, v] of [
      [cidr(), "x"],
      [cidr(), "10.0.0.1/16"],
      [cidr(16, 16), "10.0.0.0/8"],
      [z.string().superRefine((_v, ctx) => report(ctx, [{ path: [], message: "no" }])), "a"],
    ] as const) {
      assert.deepStrictEqual(
        schema.safeParse(v).error?.issues.map((i) => i.code),
        ["custom"],
        v,
      );
    }
  });
});

describe("validation: paths", () => {
  it("formatPath: dots between keys, brackets for indexes", () => {
    assert.strictEqual(formatPath(["cluster", "nodePools", 0, "name"]), "cluster.nodePools[0].name");
    assert.strictEqual(formatPath([0, "a", 1, 2]), "[0].a[1][2]");
    assert.strictEqual(formatPath(["a"]), "a");
    assert.strictEqual(formatPath([]), "");
  });
});

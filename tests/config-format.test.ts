/**
 * stacks/validation.ts formatIssues: one line per zod issue naming the key, the value (never one
 * under a secret key) and what is allowed; allowedKeysAt for "unknown key" lines.
 */
import * as assert from "assert";
import { z } from "zod";
import { allowedKeysAt, formatIssues } from "../stacks/validation";

function lines(schema: z.ZodType, data: unknown, secretKeys: string[] = []): string[] {
  const r = schema.safeParse(data);
  return r.success ? ["OK"] : formatIssues(r.error.issues, data, schema, secretKeys);
}

const S = z.strictObject({
  a: z.array(z.number()).min(2).max(3).optional(),
  s: z.string().min(2).max(3).optional(),
  n: z.number().min(2).max(3).optional(),
  x: z.number().gt(2).lt(3).optional(),
  m: z.number().min(2, "must be two or more").max(3, "must be three or less").optional(),
  u: z.union([z.string(), z.number()]).optional(),
  d: z
    .discriminatedUnion("k", [
      z.strictObject({ k: z.literal("p"), p: z.number() }),
      z.strictObject({ k: z.literal("q"), q: z.number() }),
    ])
    .optional(),
  e: z.enum(["p", "q"]).optional(),
  r: z
    .string()
    .refine(() => false, "is refused")
    .optional(),
  map: z.record(z.string().regex(/^[a-z]+$/, "must be lowercase"), z.number()).optional(),
  req: z.string(),
});

describe("formatIssues: one line per issue", () => {
  it("sizes: arrays, strings, numbers (inclusive and exclusive), custom messages", () => {
    const one = (data: object) => lines(S, { req: "", ...data });
    assert.deepStrictEqual(one({ a: [1] }), ["a: got [1]; must have at least 2 item(s)"]);
    assert.deepStrictEqual(one({ a: [1, 2, 3, 4] }), ["a: got [1,2,3,4]; must have at most 3 item(s)"]);
    assert.deepStrictEqual(one({ s: "a" }), ['s: got "a"; must be at least 2 character(s)']);
    assert.deepStrictEqual(one({ s: "abcd" }), ['s: got "abcd"; must be at most 3 characters']);
    assert.deepStrictEqual(one({ n: 1 }), ["n: got 1; must be ≥ 2"]);
    assert.deepStrictEqual(one({ n: 4 }), ["n: got 4; must be ≤ 3"]);
    assert.deepStrictEqual(one({ x: 2 }), ["x: got 2; must be > 2"]);
    assert.deepStrictEqual(one({ x: 3 }), ["x: got 3; must be < 3"]);
    assert.deepStrictEqual(one({ m: 1 }), ["m: got 1; must be two or more"]);
    assert.deepStrictEqual(one({ m: 4 }), ["m: got 4; must be three or less"]);
  });

  it("types, required keys, enums, unions, refinements", () => {
    const one = (data: object) => lines(S, { req: "", ...data });
    assert.deepStrictEqual(lines(S, {}), ["req: is required (expected string)"]);
    assert.deepStrictEqual(one({ n: "3" }), ['n: got "3"; expected number']);
    assert.deepStrictEqual(one({ e: "z" }), ['e: got "z"; allowed: "p" | "q"']);
    assert.deepStrictEqual(one({ u: true }), ["u: got true; Invalid input"]);
    assert.deepStrictEqual(one({ d: { k: "z" } }), ['d.k: got "z"; allowed: "p" | "q"']);
    assert.deepStrictEqual(one({ r: "no" }), ['r: got "no"; is refused']);
    assert.deepStrictEqual(one({ map: { Ab: 1 } }), [
      'map.Ab: the key "Ab" is invalid; it must be lowercase',
    ]);
  });

  it("an unknown key names the keys allowed there (of the selected union option), never its value", () => {
    assert.deepStrictEqual(lines(S, { req: "", zz: "hunter2" }), [
      "zz: unknown key; allowed keys here: a, d, e, m, map, n, r, req, s, u, x",
    ]);
    assert.deepStrictEqual(lines(S, { req: "", d: { k: "q", p: 1 } }), [
      "d.q: is required (expected number)",
      "d.p: unknown key; allowed keys here: k, q",
    ]);
  });

  it("a long value is cut at 77 characters; one of 80 is shown whole", () => {
    const [long] = lines(S, { req: "", r: "x".repeat(79) });
    assert.strictEqual(long, `r: got "${"x".repeat(76)}...; is refused`);
    const [fits] = lines(S, { req: "", r: "x".repeat(78) });
    assert.strictEqual(fits, `r: got "${"x".repeat(78)}"; is refused`);
  });

  it("a key failing two checks names both; a custom message mentioning the generic one is kept", () => {
    const m = z.record(
      z
        .string()
        .min(3, "is short")
        .regex(/^[a-z]+$/, "must be lowercase"),
      z.number(),
    );
    assert.deepStrictEqual(lines(z.strictObject({ m }), { m: { A: 1 } }), [
      'm.A: the key "A" is invalid; it is short; must be lowercase',
    ]);
    const t = z.strictObject({
      a: z.string().min(3, "is Too small for a name"),
      b: z.string().max(1, "is Too big for a name"),
    });
    assert.deepStrictEqual(lines(t, { a: "x", b: "xy" }), [
      'a: got "x"; is Too small for a name',
      'b: got "xy"; is Too big for a name',
    ]);
  });

  it("a custom issue under a null value names the key only", () => {
    const s = z.strictObject({ a: z.null() }).superRefine((_v, ctx) => {
      ctx.addIssue({ code: "custom", path: ["a", "b"], message: "is needed" });
    });
    assert.deepStrictEqual(lines(s, { a: null }), ["a.b: is needed"]);
  });

  it("a custom issue with no value at its path names the key only", () => {
    const s = z.strictObject({ a: z.number().optional() }).superRefine((_v, ctx) => {
      ctx.addIssue({ code: "custom", path: ["b"], message: "is needed with a" });
    });
    assert.deepStrictEqual(lines(s, { a: 1 }), ["b: is needed with a"]);
  });
});

describe("formatIssues: values under secret keys", () => {
  const T = z.strictObject({
    token: z.string().min(8).max(9).optional(),
    level: z.enum(["a", "b"]).optional(),
    n: z.number().optional(),
    list: z.array(z.string()).min(1).optional(),
    d: z.discriminatedUnion("k", [z.strictObject({ k: z.literal("p") })]).optional(),
    u: z.union([z.string(), z.number()]).optional(),
    r: z
      .string()
      .refine(() => false, "is refused")
      .optional(),
    small: z.string().min(8, "is too short").optional(),
    big: z.string().max(1, "is too long").optional(),
    map: z.record(z.string().regex(/^[a-z]+$/, "must be lowercase"), z.string()).optional(),
  });
  const wrap = z.strictObject({ sec: T, pub: T });
  const both = (v: object) => lines(wrap, { sec: v, pub: v }, ["sec"]);

  it("every kind of line shows [secret] under a secret key and the value elsewhere", () => {
    assert.deepStrictEqual(both({ token: "abc" }), [
      "sec.token: got [secret]; must be at least 8 character(s)",
      'pub.token: got "abc"; must be at least 8 character(s)',
    ]);
    assert.deepStrictEqual(both({ token: "0123456789" }), [
      "sec.token: got [secret]; must be at most 9 characters",
      'pub.token: got "0123456789"; must be at most 9 characters',
    ]);
    assert.deepStrictEqual(both({ level: "c" }), [
      'sec.level: got [secret]; allowed: "a" | "b"',
      'pub.level: got "c"; allowed: "a" | "b"',
    ]);
    assert.deepStrictEqual(both({ n: "1" }), [
      "sec.n: got [secret]; expected number",
      'pub.n: got "1"; expected number',
    ]);
    assert.deepStrictEqual(both({ list: [] }), [
      "sec.list: got [secret]; must have at least 1 item(s)",
      "pub.list: got []; must have at least 1 item(s)",
    ]);
    assert.deepStrictEqual(both({ d: { k: "z" } }), [
      'sec.d.k: got [secret]; allowed: "p"',
      'pub.d.k: got "z"; allowed: "p"',
    ]);
    assert.deepStrictEqual(both({ u: true }), [
      "sec.u: got [secret]; Invalid input",
      "pub.u: got true; Invalid input",
    ]);
    assert.deepStrictEqual(both({ r: "x" }), [
      "sec.r: got [secret]; is refused",
      'pub.r: got "x"; is refused',
    ]);
    assert.deepStrictEqual(both({ small: "x" }), [
      "sec.small: got [secret]; is too short",
      'pub.small: got "x"; is too short',
    ]);
    assert.deepStrictEqual(both({ big: "xy" }), [
      "sec.big: got [secret]; is too long",
      'pub.big: got "xy"; is too long',
    ]);
    assert.deepStrictEqual(both({ map: { Hunter2: "x" } }), [
      "sec.map.Hunter2: the key [secret] is invalid; it must be lowercase",
      'pub.map.Hunter2: the key "Hunter2" is invalid; it must be lowercase',
    ]);
  });

  it("only the first key of the path decides; no secret keys: everything shown", () => {
    const nested = z.strictObject({ pub: z.strictObject({ sec: z.number() }) });
    assert.deepStrictEqual(lines(nested, { pub: { sec: "1" } }, ["sec"]), [
      'pub.sec: got "1"; expected number',
    ]);
    assert.deepStrictEqual(lines(nested, { pub: { sec: "1" } }), ['pub.sec: got "1"; expected number']);
    assert.deepStrictEqual(lines(nested, { pub: "x" }, ["pub"]), ["pub: got [secret]; expected object"]);
  });
});

describe("allowedKeysAt", () => {
  const A = z.strictObject({
    list: z.array(z.strictObject({ b: z.number(), a: z.number() })).default([]),
    map: z.record(z.string(), z.strictObject({ y: z.number(), x: z.number() })).optional(),
    piped: z
      .strictObject({ p: z.number() })
      .transform((v) => v)
      .optional(),
    pre: z.strictObject({ q: z.number().optional() }).prefault({}).nullable(),
    u: z.union([z.strictObject({ first: z.number() }), z.strictObject({ second: z.number() })]).optional(),
    d: z
      .discriminatedUnion("k", [
        z.strictObject({ k: z.literal("p"), p: z.number() }),
        z.strictObject({ k: z.literal("q"), q: z.number() }),
      ])
      .optional(),
    leaf: z.number().optional(),
  });

  it("walks objects, arrays, records and wrappers", () => {
    assert.deepStrictEqual(allowedKeysAt(A, {}, []), ["d", "leaf", "list", "map", "piped", "pre", "u"]);
    assert.deepStrictEqual(allowedKeysAt(A, {}, ["list", 0]), ["a", "b"]);
    assert.deepStrictEqual(allowedKeysAt(A, {}, ["map", "any"]), ["x", "y"]);
    assert.deepStrictEqual(allowedKeysAt(A, {}, ["piped"]), ["p"]);
    assert.deepStrictEqual(allowedKeysAt(A, {}, ["pre"]), ["q"]);
  });

  it("a union: the option the discriminator selects, else the first", () => {
    assert.deepStrictEqual(allowedKeysAt(A, { d: { k: "q" } }, ["d"]), ["k", "q"]);
    assert.deepStrictEqual(allowedKeysAt(A, { d: { k: "p" } }, ["d"]), ["k", "p"]);
    assert.deepStrictEqual(allowedKeysAt(A, { d: { k: "z" } }, ["d"]), ["k", "p"]);
    assert.deepStrictEqual(allowedKeysAt(A, { d: "q" }, ["d"]), ["k", "p"]);
    assert.deepStrictEqual(allowedKeysAt(A, { u: { second: 1 } }, ["u"]), ["first"]);
    assert.deepStrictEqual(allowedKeysAt(A, { d: null }, ["d"]), ["k", "p"]);
    const multi = z.discriminatedUnion("k", [
      z.strictObject({ k: z.literal("a"), a: z.number() }),
      z.strictObject({ k: z.literal(["b", "c"]), bc: z.number() }),
    ]);
    assert.deepStrictEqual(allowedKeysAt(multi, { k: "c" }, []), ["bc", "k"]);
  });

  it("nothing past a leaf or an unknown key", () => {
    assert.deepStrictEqual(allowedKeysAt(A, {}, ["leaf"]), []);
    assert.deepStrictEqual(allowedKeysAt(A, {}, ["leaf", "x"]), []);
    assert.deepStrictEqual(allowedKeysAt(A, {}, ["nope", "x"]), []);
  });
});

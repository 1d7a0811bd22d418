/**
 * stacks/validation.ts at its edges: a value that is not there ("nothing"), a discriminated-union
 * issue without its options, and allowedKeysAt on a schema it does not walk into (a map).
 */
import * as assert from "assert";
import { z } from "zod";
import { allowedKeysAt, formatIssues } from "../stacks/validation";

describe("validation: edges of formatIssues and allowedKeysAt", () => {
  it("a required enum value that is missing: got nothing, and what is allowed", () => {
    const schema = z.strictObject({ tier: z.enum(["gold", "silver"]) });
    const r = schema.safeParse({});
    assert.ok(!r.success);
    assert.deepStrictEqual(formatIssues(r.error.issues, {}, schema), [
      'tier: got nothing; allowed: "gold" | "silver"',
    ]);
  });

  it("a discriminated-union issue that lists no options allows nothing", () => {
    const issue = {
      code: "invalid_union",
      path: ["cluster"],
      errors: [],
      discriminator: "target",
      message: "Invalid input",
    } as unknown as z.core.$ZodIssue;
    assert.deepStrictEqual(formatIssues([issue], { cluster: { target: "nomad" } }, z.object({})), [
      'cluster: got {"target":"nomad"}; allowed: ',
    ]);
  });

  it("allowedKeysAt walks objects, arrays and records, not into a map", () => {
    const inner = z.strictObject({ b: z.string(), a: z.string() });
    assert.deepStrictEqual(allowedKeysAt(z.record(z.string(), inner), { k: {} }, ["k"]), ["a", "b"]);
    assert.deepStrictEqual(allowedKeysAt(z.map(z.string(), inner), new Map([["k", {}]]), ["k"]), []);
  });
});

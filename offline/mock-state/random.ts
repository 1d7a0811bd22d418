import { createHash } from "crypto";
import { MockTables } from "./types";

/**
 * The value a mocked `random` resource named `name` generates: deterministic, `length` characters
 * (default 16), and recognisable (`mockpw…`), so tests can search recorded inputs for leaks.
 */
export function mockRandomValue(name: string, length = 16): string {
  let out = "mockpw";
  for (let i = 0; out.length < length; i++) {
    out += createHash("sha256").update(`${name}/${i}`).digest("hex");
  }
  return out.slice(0, Math.max(length, 6));
}

const len = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);

export const random: MockTables = {
  resources: {
    // The provider returns `result` (and a bcrypt hash); @pulumi/random marks both secret.
    "random:index/randomPassword:RandomPassword": (name, inputs) => ({
      result: mockRandomValue(name, len(inputs.length)),
      bcryptHash: `$2a$10$${createHash("sha256").update(name).digest("hex").slice(0, 53)}`,
    }),
    "random:index/randomString:RandomString": (name, inputs) => ({
      result: mockRandomValue(name, len(inputs.length)),
    }),
  },
  calls: {},
};

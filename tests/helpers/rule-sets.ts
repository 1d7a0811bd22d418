/** Hand-built resource sets for the stack-rule tests, and a stack rule's violations as lines. */
import { ResourceUnderTest, StackRule, evaluate } from "../../rules";

/** A resource of `type` named `name` with `inputs` (and urn, dependsOn, … from `extra`). */
export const res = (
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  extra: Partial<ResourceUnderTest> = {},
): ResourceUnderTest => ({ type, name, inputs, ...extra });

/** A stack rule's violations over `all` in prod, as `<severity> <resource>: <message>`. */
export const stack = (rule: StackRule, all: ResourceUnderTest[]): string[] =>
  evaluate(all, { profile: "prod" }, [rule]).map((v) => `${v.severity} ${v.resource}: ${v.message}`);

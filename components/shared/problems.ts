/**
 * What a pure rule reports: where (a path relative to the value it was given) and what is wrong.
 * Stack config turns each problem into one line naming the key; a component throws on the first.
 * No Pulumi import.
 */
export interface Problem {
  /** Keys and indices from the checked value down to the offending one (`[]`: the value itself). */
  path: (string | number)[];
  /** What is wrong, phrased to follow `<key>: got <value>; ` (config's one-line form). */
  message: string;
}

/** `problems` with `prefix` put in front of each path (a rule applied to a part of a larger value). */
export function under(prefix: (string | number)[], problems: Problem[]): Problem[] {
  return problems.map((p) => ({ ...p, path: [...prefix, ...p.path] }));
}

/** Each item listed a second (third, …) time, at its index. */
export function duplicateProblems(items: readonly unknown[]): Problem[] {
  return items.flatMap((item, i) =>
    items.indexOf(item) < i ? [{ path: [i], message: "is listed twice" }] : [],
  );
}

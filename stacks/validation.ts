/**
 * Reusable validators and the error formatter for stack config. Every problem becomes one line
 * that names the key, the bad value and what is allowed.
 */
import { z } from "zod";
import { dnsLabelProblems } from "../components/shared/dns";
import { formatIp, networkOf, parseCidr } from "../components/shared/net";
import { Problem } from "../components/shared/problems";

export { cidrContains, cidrsOverlap, formatIp, isOpenToWorld, parseCidr } from "../components/shared/net";

/**
 * Adds a pure rule's problems (paths relative to the value checked) as issues at that value. With
 * `abort`, the issues stop the refinements after them, as zod's own type checks do (`.int()`).
 */
export function report(
  ctx: z.RefinementCtx,
  problems: Problem[],
  at: PropertyKey[] = [],
  { abort = false } = {},
): void {
  for (const p of problems) {
    ctx.addIssue({
      code: "custom",
      path: [...at, ...p.path],
      message: p.message,
      ...(abort ? { continue: false } : {}),
    });
  }
}

/** A refinement reporting what a pure rule (components/shared) finds in the value. */
export function checkedBy<T>(rule: (value: T) => Problem[], options: { abort?: boolean } = {}) {
  return (value: T, ctx: z.RefinementCtx) => report(ctx, rule(value), [], options);
}

/** A DNS-1123 label (RFC 1123): lowercase alphanumerics and '-', starting with a letter. */
export function dnsLabel(max: number) {
  return z.string().superRefine(checkedBy((name: string) => dnsLabelProblems(name, max)));
}

export const MIN_KUBERNETES_MINOR = 32;

/** A Kubernetes minor version like "1.34"; the cloud picks the patch level. */
export const kubernetesVersion = z
  .string()
  .regex(/^1\.\d{2}$/, 'must be a Kubernetes minor version like "1.34" (no patch level, no "v")')
  .refine(
    (v) => !/^1\.\d{2}$/.test(v) || Number(v.split(".")[1]) >= MIN_KUBERNETES_MINOR,
    `must be 1.${MIN_KUBERNETES_MINOR} or newer (older versions are out of standard support)`,
  );

/** An IPv4 CIDR in canonical form (no host bits set), optionally with a prefix-length range. */
export function cidr(minPrefix = 0, maxPrefix = 32) {
  return z.string().superRefine((value, ctx) => {
    const c = parseCidr(value);
    if (!c) {
      ctx.addIssue({ code: "custom", message: 'must be an IPv4 CIDR like "10.0.0.0/16"' });
      return;
    }
    if (networkOf(c) !== c.base) {
      ctx.addIssue({
        code: "custom",
        message: `has host bits set; the network address is "${formatIp(networkOf(c))}/${c.prefix}"`,
      });
    }
    if (c.prefix < minPrefix || c.prefix > maxPrefix) {
      ctx.addIssue({
        code: "custom",
        message:
          minPrefix === maxPrefix
            ? `must be a /${minPrefix} block`
            : `must have a prefix length between /${minPrefix} and /${maxPrefix}`,
      });
    }
  });
}

export const ipv4 = z
  .string()
  .regex(
    /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/,
    'must be an IPv4 address like "10.0.0.10"',
  );

/* ---------------------------------------------------------------------------------------- */
/* Formatting                                                                                */
/* ---------------------------------------------------------------------------------------- */

/** Renders a config path like `cluster.nodePools[0].minNodes`. */
export function formatPath(path: PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join("");
}

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  let cur = data;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

function showValue(v: unknown): string {
  if (v === undefined) return "nothing";
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** The schema a wrapper (default, optional, nullable, prefault, pipe) stands for, if `s` is one. */
function unwrapped(s: z.core.$ZodType): z.core.$ZodType | undefined {
  if (
    s instanceof z.core.$ZodDefault ||
    s instanceof z.core.$ZodOptional ||
    s instanceof z.core.$ZodNullable ||
    s instanceof z.core.$ZodPrefault
  ) {
    return s._zod.def.innerType;
  }
  return s instanceof z.core.$ZodPipe ? s._zod.def.in : undefined;
}

/** The option of a (discriminated) union that `value` selects; the first when none does. */
function unionOption(u: z.core.$ZodUnion, value: unknown): z.core.$ZodType | undefined {
  const options = u._zod.def.options;
  const disc = u instanceof z.core.$ZodDiscriminatedUnion ? u._zod.def.discriminator : undefined;
  const here: unknown =
    typeof value === "object" && value !== null && disc ? Reflect.get(value, disc) : undefined;
  const selected = options.find((o) => {
    const lit = disc && o instanceof z.core.$ZodObject ? o._zod.def.shape[disc] : undefined;
    return lit instanceof z.core.$ZodLiteral && lit._zod.def.values.some((v) => v === here);
  });
  return selected ?? options[0];
}

/** The object keys a schema allows at `path` of `data` (for "unknown key" messages). */
export function allowedKeysAt(schema: z.core.$ZodType, data: unknown, path: PropertyKey[]): string[] {
  let cur: z.core.$ZodType | undefined = schema;
  let i = 0;
  while (cur) {
    const inner = unwrapped(cur);
    if (inner) {
      cur = inner;
    } else if (cur instanceof z.core.$ZodUnion) {
      cur = unionOption(cur, valueAt(data, path.slice(0, i)));
    } else if (i === path.length) {
      return cur instanceof z.core.$ZodObject ? Object.keys(cur._zod.def.shape).sort() : [];
    } else if (cur instanceof z.core.$ZodObject) {
      cur = cur._zod.def.shape[String(path[i++])];
    } else if (cur instanceof z.core.$ZodArray) {
      cur = cur._zod.def.element;
      i++;
    } else if (cur instanceof z.core.$ZodRecord) {
      cur = cur._zod.def.valueType;
      i++;
    } else {
      return [];
    }
  }
  return [];
}

/**
 * Turns zod issues into one clear line each: key, bad value, what is allowed. Values under the
 * top-level keys in `secretKeys` are never shown.
 */
export function formatIssues(
  issues: z.core.$ZodIssue[],
  data: unknown,
  schema: z.ZodType,
  secretKeys: readonly string[] = [],
): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    const key = formatPath(issue.path);
    const secret = secretKeys.includes(String(issue.path[0]));
    const show = (v: unknown) => (secret ? "[secret]" : showValue(v));
    const got = valueAt(data, issue.path);
    switch (issue.code) {
      case "unrecognized_keys": {
        const allowed = allowedKeysAt(schema, data, issue.path);
        for (const k of issue.keys) {
          out.push(
            // The value is not echoed: an unknown key may hold a secret (a mistyped secret key).
            `${formatPath([...issue.path, k])}: unknown key; allowed keys here: ${allowed.join(", ")}`,
          );
        }
        break;
      }
      case "invalid_type":
        out.push(
          got === undefined
            ? `${key}: is required (expected ${issue.expected})`
            : `${key}: got ${show(got)}; expected ${issue.expected}`,
        );
        break;
      case "invalid_key": {
        const inner = issue.issues.map((i) => i.message).join("; ");
        out.push(`${key}: the key ${show(issue.path[issue.path.length - 1])} is invalid; it ${inner}`);
        break;
      }
      case "invalid_value":
        out.push(
          `${key}: got ${show(got)}; allowed: ${issue.values.map((v) => JSON.stringify(v)).join(" | ")}`,
        );
        break;
      case "invalid_union": {
        const u = issue as z.core.$ZodIssueInvalidUnion & { discriminator?: string; options?: unknown[] };
        if (u.discriminator) {
          out.push(
            `${key}: got ${show(got)}; allowed: ${(u.options ?? []).map((v) => JSON.stringify(v)).join(" | ")}`,
          );
        } else {
          out.push(`${key}: got ${show(got)}; ${issue.message}`);
        }
        break;
      }
      case "too_small": {
        if (!/^Too small/.test(issue.message)) {
          out.push(`${key}: got ${show(got)}; ${issue.message}`);
          break;
        }
        const what =
          issue.origin === "array"
            ? `must have at least ${issue.minimum} item(s)`
            : issue.origin === "string"
              ? `must be at least ${issue.minimum} character(s)`
              : `must be ${issue.inclusive ? "≥" : ">"} ${issue.minimum}`;
        out.push(`${key}: got ${show(got)}; ${what}`);
        break;
      }
      case "too_big": {
        if (!/^Too big/.test(issue.message)) {
          out.push(`${key}: got ${show(got)}; ${issue.message}`);
          break;
        }
        const what =
          issue.origin === "array"
            ? `must have at most ${issue.maximum} item(s)`
            : issue.origin === "string"
              ? `must be at most ${issue.maximum} characters`
              : `must be ${issue.inclusive ? "≤" : "<"} ${issue.maximum}`;
        out.push(`${key}: got ${show(got)}; ${what}`);
        break;
      }
      default:
        out.push(
          got === undefined ? `${key}: ${issue.message}` : `${key}: got ${show(got)}; ${issue.message}`,
        );
    }
  }
  return out;
}

/**
 * Reusable validators and the error formatter for stack config. Every problem becomes one line
 * that names the key, the bad value and what is allowed.
 */
import { z } from "zod";
import { formatIp, networkOf, parseCidr } from "../components/shared/net";

export { cidrContains, cidrsOverlap, formatIp, isOpenToWorld, parseCidr } from "../components/shared/net";

/** A DNS-1123 label (RFC 1123): lowercase alphanumerics and '-', starting with a letter. */
export function dnsLabel(max: number) {
  return z
    .string()
    .regex(
      /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
      "must be a DNS-1123 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
    )
    .max(max, `must be at most ${max} characters`);
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

type ZodDef = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  valueType?: z.ZodType;
};

function defOf(s: z.ZodType): ZodDef {
  return (s as unknown as { _zod: { def: ZodDef } })._zod.def;
}

/** The object keys a schema allows at `path` of `data` (for "unknown key" messages). */
export function allowedKeysAt(schema: z.ZodType, data: unknown, path: PropertyKey[]): string[] {
  let cur: z.ZodType | undefined = schema;
  let i = 0;
  while (cur) {
    const def = defOf(cur);
    if (
      def.type === "default" ||
      def.type === "optional" ||
      def.type === "nullable" ||
      def.type === "prefault"
    ) {
      cur = def.innerType;
    } else if (def.type === "pipe") {
      cur = def.in;
    } else if (def.type === "union" && def.options) {
      const here = valueAt(data, path.slice(0, i));
      const disc = def.discriminator;
      cur =
        def.options.find((o) => {
          const od = defOf(o);
          const lit = od.shape && disc ? od.shape[disc] : undefined;
          const litValues = lit ? (defOf(lit) as unknown as { values?: unknown[] }).values : undefined;
          return litValues?.includes((here as Record<string, unknown> | undefined)?.[disc ?? ""]);
        }) ?? def.options[0];
    } else if (i === path.length) {
      return def.type === "object" && def.shape ? Object.keys(def.shape).sort() : [];
    } else if (def.type === "object" && def.shape) {
      cur = def.shape[String(path[i++])];
    } else if (def.type === "array") {
      cur = def.element;
      i++;
    } else if (def.type === "record") {
      cur = def.valueType;
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

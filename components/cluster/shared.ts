/** Helpers every cluster target shares: taints, ServiceAccount subjects, short hashes for cloud names. */
import { createHash } from "crypto";
import { MAX_POOL_NODES, NodePoolProblem, PoolNaming, nodePoolsProblems } from "../shared/node-pools";
import { TAINT_EFFECTS, Taint, TaintEffect, TaintReading, readTaint } from "../shared/taint";
import { NodePoolSettings, ServiceAccountRef } from "./types";

export type { Taint, TaintEffect } from "../shared/taint";

/** Parses a `key=value:Effect` taint (an empty value: `spot=:PreferNoSchedule`); throws on anything else. */
export function parseTaint(taint: string): Taint {
  const reading = readTaint(taint);
  if (!reading.ok) throw new Error(taintError(taint, reading));
  return reading.taint;
}

function taintError(taint: string, reading: Exclude<TaintReading, { ok: true }>): string {
  return reading.reason === "effect"
    ? `invalid taint effect "${reading.effect}" in "${taint}": expected ${TAINT_EFFECTS.join(", ")}`
    : `invalid taint "${taint}": expected key=value:Effect`;
}

/** The SCREAMING_CASE effect names of the EKS and GKE APIs. */
export type ApiTaintEffect = "NO_SCHEDULE" | "PREFER_NO_SCHEDULE" | "NO_EXECUTE";

const API_EFFECTS: Record<TaintEffect, ApiTaintEffect> = {
  NoSchedule: "NO_SCHEDULE",
  PreferNoSchedule: "PREFER_NO_SCHEDULE",
  NoExecute: "NO_EXECUTE",
};

/** A taint in the EKS / GKE API shape (`NO_SCHEDULE`, …). */
export function apiTaint(taint: string): { key: string; value: string; effect: ApiTaintEffect } {
  const t = parseTaint(taint);
  return { ...t, effect: API_EFFECTS[t.effect] };
}

/**
 * Guards a target against node pools the cloud would reject halfway through a deployment: the
 * node pool rules stack config reports per key, asserted (throws on the first problem) for
 * components used directly. `naming` is the target's pool-name rule.
 */
export function assertNodePools(
  target: string,
  pools: NodePoolSettings[],
  naming: PoolNaming = "dnsLabel",
): void {
  const [problem] = nodePoolsProblems(pools, naming);
  if (problem) throw new Error(nodePoolError(target, problem));
}

function nodePoolError(target: string, { rule, subject, message }: NodePoolProblem): string {
  switch (rule) {
    case "count":
      return `${target}: at least one node pool is required`;
    case "name":
      return `${target}: invalid node pool name "${subject}": ${message}`;
    case "unique":
      return `${target}: duplicate node pool name "${subject}"`;
    case "integer":
      return `${target} node pool ${subject}: minNodes and maxNodes must be integers`;
    case "size":
      return (
        `${target} node pool ${subject}: ` +
        `need 0 <= minNodes <= maxNodes <= ${MAX_POOL_NODES} and maxNodes >= 1`
      );
    case "taint": {
      const reading = readTaint(subject);
      return reading.ok ? `${target}: invalid taint "${subject}"` : taintError(subject, reading);
    }
  }
}

/** The OIDC subject of a Kubernetes ServiceAccount token. */
export function serviceAccountSubject(sa: ServiceAccountRef): string {
  return `system:serviceaccount:${sa.namespace}:${sa.name}`;
}

/** The first `length` hex digits of the SHA-256 of `text`: keeps shortened cloud names distinct. */
export function shortHash(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

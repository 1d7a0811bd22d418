/** Helpers every cluster target shares: taints, ServiceAccount subjects, short hashes for cloud names. */
import { createHash } from "crypto";
import { NodePoolSettings, ServiceAccountRef } from "./types";

export type TaintEffect = "NoSchedule" | "PreferNoSchedule" | "NoExecute";

/** A Kubernetes node taint. */
export interface Taint {
  key: string;
  value: string;
  effect: TaintEffect;
}

const TAINT_EFFECTS: readonly TaintEffect[] = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/** Parses a `key=value:Effect` (or `key:Effect`) taint; throws on anything else. */
export function parseTaint(taint: string): Taint {
  const m = /^([A-Za-z0-9][-A-Za-z0-9_./]*)(?:=([-A-Za-z0-9_.]*))?:([A-Za-z]+)$/.exec(taint.trim());
  if (!m) throw new Error(`invalid taint "${taint}": expected key=value:Effect`);
  const effect = m[3] as TaintEffect;
  if (!TAINT_EFFECTS.includes(effect)) {
    throw new Error(`invalid taint effect "${m[3]}" in "${taint}": expected ${TAINT_EFFECTS.join(", ")}`);
  }
  return { key: m[1], value: m[2] ?? "", effect };
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
 * Guards a target against node pools the cloud would reject halfway through a deployment (stack
 * config already reports these with friendlier messages; components can also be used directly).
 */
export function assertNodePools(target: string, pools: NodePoolSettings[]): void {
  if (pools.length === 0) throw new Error(`${target}: at least one node pool is required`);
  const names = new Set<string>();
  for (const pool of pools) {
    if (names.has(pool.name)) throw new Error(`${target}: duplicate node pool name "${pool.name}"`);
    names.add(pool.name);
    if (!Number.isInteger(pool.minNodes) || !Number.isInteger(pool.maxNodes)) {
      throw new Error(`${target} node pool ${pool.name}: minNodes and maxNodes must be integers`);
    }
    if (pool.minNodes < 0 || pool.maxNodes < 1 || pool.minNodes > pool.maxNodes) {
      throw new Error(`${target} node pool ${pool.name}: need 0 <= minNodes <= maxNodes and maxNodes >= 1`);
    }
    pool.taints.forEach(parseTaint);
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

/** DOKS cluster rules: automatic and surge upgrades, the HA control plane, the maintenance window. */
import { HELM_RELEASE } from "../deployability-base";
import { ResourceUnderTest, defineStackRule, get, isTrue, list, rec, str } from "../types";
import { chartName } from "../webhooks";
import { DOKS_CLUSTER, clusterRule, mustBeTrue } from "./common";

/**
 * Whether a registered Vault release runs ha with Shamir: `server.ha.enabled` and no `seal "…"`
 * stanza in its Raft config (vault-helm values at CHARTS.vault; the platform writes a seal stanza
 * only for a cloud KMS, which DOKS has none of).
 */
export function isShamirHaVault(r: ResourceUnderTest): boolean {
  if (r.type !== HELM_RELEASE || chartName(r.inputs.chart) !== "vault") return false;
  const values = rec(r.inputs.values);
  return (
    isTrue(get(values, "server.ha.enabled")) &&
    !/\bseal\s+"/.test(str(get(values, "server.ha.raft.config")) ?? "")
  );
}

export const doksAutoUpgrade = defineStackRule({
  id: "doks-auto-upgrade",
  scannerIds: ["AVD-DIG-0008"],
  description:
    "automatic patch upgrades (autoUpgrade true), except while Vault runs ha with Shamir unsealing: each recycled node brings a Vault pod back sealed (docs/addons/vault.md), so those clusters are upgraded by hand",
  area: "cluster",
  types: [DOKS_CLUSTER, HELM_RELEASE],
  check(all, _ctx, v) {
    if (all.some(isShamirHaVault)) return [];
    return all
      .filter((r) => r.type === DOKS_CLUSTER && !isTrue(rec(r.inputs).autoUpgrade))
      .map((r) => v(r, "autoUpgrade is not true"));
  },
});

export const doksSurgeUpgrade = clusterRule({
  id: "doks-surge-upgrade",
  scannerIds: ["AVD-DIG-0005"],
  description: "surge upgrades (new nodes before old ones drain)",
  types: [DOKS_CLUSTER],
  check: mustBeTrue("surgeUpgrade"),
});

export const doksHa = clusterRule({
  id: "doks-ha-control-plane",
  scannerIds: [],
  description: "highly available control plane (prod)",
  profiles: ["prod"],
  types: [DOKS_CLUSTER],
  check: mustBeTrue("ha"),
});

const DOKS_DAYS = ["any", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

export const doksMaintenanceWindow = clusterRule({
  id: "doks-maintenance-window",
  scannerIds: [],
  description: "a maintenance window (day and HH:MM start time) bounds when upgrades happen",
  types: [DOKS_CLUSTER],
  check(_r, inputs) {
    const mp = rec(list(inputs.maintenancePolicy)[0]);
    const day = mp.day;
    const start = mp.startTime;
    const out: string[] = [];
    if (typeof day !== "string" || !DOKS_DAYS.includes(day))
      out.push(`maintenancePolicy.day is ${JSON.stringify(day)}`);
    if (typeof start !== "string" || !/^([01]\d|2[0-3]):[0-5]\d$/.test(start))
      out.push(`maintenancePolicy.startTime is ${JSON.stringify(start)}`);
    return out;
  },
});

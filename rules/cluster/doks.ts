/** DOKS cluster rules: automatic and surge upgrades, the HA control plane, the maintenance window. */
import { list, rec } from "../types";
import { DOKS_CLUSTER, clusterRule, mustBeTrue } from "./common";

export const doksAutoUpgrade = clusterRule({
  id: "doks-auto-upgrade",
  scannerIds: ["AVD-DIG-0008"],
  description: "automatic patch upgrades (autoUpgrade true)",
  types: [DOKS_CLUSTER],
  check: mustBeTrue("autoUpgrade"),
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

/** The network rule over all workloads: a NetworkPolicy selects every workload's pods. */
import { Violation, get, defineStackRule } from "../types";
import { NETWORK_POLICY_TYPE, namespaceOf, workloadTypes, podTemplateOf, selectorMatches } from "./templates";

export const networkPolicyCoverage = defineStackRule({
  id: "k8s-network-policy-coverage",
  scannerIds: ["CKV2_K8S_6"],
  description:
    "a NetworkPolicy in the workload's namespace selects its pods (empty podSelector, or a selector matching the pod labels)",
  area: "workload",
  types: [...workloadTypes(), NETWORK_POLICY_TYPE],
  check(all, _ctx, v) {
    const policies = all.filter((r) => r.type === NETWORK_POLICY_TYPE);
    const out: Violation[] = [];
    for (const w of all) {
      const pt = podTemplateOf(w);
      if (!pt) continue;
      const covered = policies.some(
        (p) =>
          namespaceOf(p) === pt.namespace &&
          selectorMatches(get(p.inputs, "spec.podSelector"), pt.labels, true),
      );
      if (!covered) {
        out.push(
          v(
            w,
            `no NetworkPolicy in namespace ${pt.namespace} selects pods labelled ${JSON.stringify(pt.labels)}`,
          ),
        );
      }
    }
    return out;
  },
});

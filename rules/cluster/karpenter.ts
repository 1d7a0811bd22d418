/**
 * Karpenter's in-cluster objects (components/cluster/eks/karpenter/): the nodes an EC2NodeClass
 * launches are held to the node groups' bar (IMDSv2 with one hop, encrypted volumes), and NodePools
 * and node classes are deployable: created after the CRD release, each NodePool naming a node class
 * of the stack (a NodePool whose class is missing never becomes Ready: nodepools.md
 * "status.conditions", NodeClassReady).
 */
import { Violation, defineStackRule, list, num, rec, str } from "../types";
import { HELM_RELEASE } from "../deployability-base";
import { clusterRule } from "./common";

export const KARPENTER_NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";
export const KARPENTER_NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";
/** The chart holding Karpenter's CRDs (CHARTS.karpenterCrd). */
const KARPENTER_CRD_CHART = /(^|\/)karpenter-crd$/;

export const eksKarpenterImdsv2 = clusterRule({
  id: "karpenter-imdsv2",
  scannerIds: ["CKV_AWS_79", "CKV_AWS_341"],
  description:
    "Karpenter's EC2NodeClasses require IMDSv2 (metadataOptions.httpTokens required) with hop limit 1, as the node groups' launch templates",
  types: [KARPENTER_NODE_CLASS],
  check(_r, inputs) {
    const md = rec(rec(inputs.spec).metadataOptions);
    if (md.httpEndpoint === "disabled") return [];
    const out: string[] = [];
    if (md.httpTokens !== "required")
      out.push(`spec.metadataOptions.httpTokens is ${JSON.stringify(md.httpTokens)}, not "required"`);
    if (num(md.httpPutResponseHopLimit) !== 1)
      out.push(
        `spec.metadataOptions.httpPutResponseHopLimit is ${JSON.stringify(md.httpPutResponseHopLimit)}, not 1`,
      );
    return out;
  },
});

export const eksKarpenterVolumeEncryption = clusterRule({
  id: "karpenter-volume-encryption",
  scannerIds: ["CKV_AWS_8"],
  description:
    "Karpenter's EC2NodeClasses declare their block devices, each EBS volume encrypted (spec.blockDeviceMappings[].ebs.encrypted)",
  types: [KARPENTER_NODE_CLASS],
  check(_r, inputs) {
    const mappings = list(rec(inputs.spec).blockDeviceMappings);
    if (mappings.length === 0)
      return ["no spec.blockDeviceMappings: the volumes' encryption is left to the AMI family's defaults"];
    return mappings.flatMap((m, i) =>
      rec(rec(m).ebs).encrypted === true ? [] : [`spec.blockDeviceMappings[${i}].ebs.encrypted is not true`],
    );
  },
});

export const eksKarpenterNodePools = defineStackRule({
  id: "karpenter-node-pools",
  scannerIds: [],
  description:
    "Karpenter's NodePools and EC2NodeClasses are created after the karpenter-crd release (their CRDs), and each NodePool's nodeClassRef names an EC2NodeClass of the stack",
  area: "cluster",
  types: [KARPENTER_NODE_POOL, KARPENTER_NODE_CLASS, HELM_RELEASE],
  check(all, _ctx, v) {
    const objects = all.filter((r) => r.type === KARPENTER_NODE_POOL || r.type === KARPENTER_NODE_CLASS);
    if (objects.length === 0) return [];
    const crdReleases = all
      .filter((r) => r.type === HELM_RELEASE && KARPENTER_CRD_CHART.test(String(r.inputs.chart ?? "")))
      .map((r) => r.urn);
    const classes = new Set(
      all.filter((r) => r.type === KARPENTER_NODE_CLASS).map((r) => str(rec(r.inputs.metadata).name)),
    );
    return objects.flatMap((o) => {
      const out: Violation[] = [];
      // Where dependencies are unknown (the policy pack sees none), only the names are checked.
      if (o.dependsOn !== undefined && !o.dependsOn.some((u) => crdReleases.includes(u)))
        out.push(
          v(o, "does not wait for the karpenter-crd release: on a first deploy its kind does not exist yet"),
        );
      if (o.type === KARPENTER_NODE_POOL) {
        const ref = str(rec(rec(rec(rec(o.inputs.spec).template).spec).nodeClassRef).name);
        if (!ref || !classes.has(ref))
          out.push(
            v(o, `nodeClassRef names EC2NodeClass ${JSON.stringify(ref)}, which the stack does not create`),
          );
      }
      return out;
    });
  },
});

/**
 * Deployability rules specific to one cloud (EKS zones, control-plane subnets, node groups, support
 * type and ARNs; GCP labels and the GKE service agent; AKS maintenance windows). Each names its source.
 */
import { Rec, ResourceUnderTest, Violation, get, isIgnored, list, rec, str } from "./types";
import { AKS_CLUSTER, EKS_CLUSTER, EKS_NODE_GROUP, isAksCluster } from "./cluster";
import {
  EKS_ACCESS_ENTRY,
  EKS_REFUSED_ZONE_IDS,
  GCP_KMS_KEY_MEMBER,
  GCP_SERVICE_IDENTITY,
  AKS_MAINTENANCE,
  SUBNET,
  isAksMaintenance,
  ofType,
  stackRule,
} from "./deployability-base";

/* ------------------------------------------------------------------------------------------ */
/* EKS: zones, control-plane subnets, node groups per zone, support type, ARNs                 */
/* ------------------------------------------------------------------------------------------ */

export const deployEksZones = stackRule({
  id: "deploy-eks-zones",
  description: `no EKS subnet in an AZ where EKS refuses cluster subnets (${EKS_REFUSED_ZONE_IDS.join(", ")})`,
  source: "EKS user guide, 'View Amazon EKS networking requirements for VPC and subnets'",
  types: [EKS_CLUSTER, SUBNET],
  check(all, _ctx, v) {
    if (ofType(all, EKS_CLUSTER).length === 0) return [];
    return ofType(all, SUBNET)
      .filter((s) => EKS_REFUSED_ZONE_IDS.includes(String(s.inputs.availabilityZoneId ?? "")))
      .map((s) =>
        v(
          s,
          `is in ${String(s.inputs.availabilityZoneId)}, where EKS cannot place cluster subnets: CreateCluster fails`,
        ),
      );
  },
});

export const deployEksControlPlaneSubnets = stackRule({
  id: "deploy-eks-control-plane-subnets",
  description:
    "the EKS control-plane subnets stay on the zones given at creation when availabilityZoneCount grows",
  source:
    "EKS user guide, 'Subnet requirements for clusters' (subnets added later must be in the creation-time AZs)",
  types: [EKS_CLUSTER],
  check(all, _ctx, v) {
    return ofType(all, EKS_CLUSTER)
      .filter((c) => !isIgnored(c, "vpcConfig.subnetIds"))
      .map((c) =>
        v(
          c,
          "vpcConfig.subnetIds follows every new zone: raising cluster.availabilityZoneCount would hand EKS a " +
            "subnet outside the creation-time zones, which it rejects",
        ),
      );
  },
});

export const deployEksNodeGroupPerZone = stackRule({
  id: "deploy-eks-node-group-per-zone",
  description:
    "every EKS managed node group lives in one zone, so cluster-autoscaler can add a node where a zonal EBS volume is",
  source:
    "EKS best practices, 'Cluster Autoscaler' (one node group per AZ with --balance-similar-node-groups)",
  types: [EKS_NODE_GROUP],
  check(all, _ctx, v) {
    return ofType(all, EKS_NODE_GROUP)
      .filter((g) => list(g.inputs.subnetIds).length > 1)
      .map((g) =>
        v(
          g,
          `spans ${list(g.inputs.subnetIds).length} subnets: after a node loss a pod bound to a zonal volume may find ` +
            "no node in its zone; use one node group per zone",
        ),
      );
  },
});

export const deployEksSupportType = stackRule({
  id: "deploy-eks-support-type",
  description: "the EKS support type is chosen explicitly (unset means EXTENDED support pricing, about 6×)",
  source: "EKS user guide, 'Cluster upgrade policy' (upgradePolicy.supportType defaults to EXTENDED)",
  types: [EKS_CLUSTER],
  check(all, _ctx, v) {
    return ofType(all, EKS_CLUSTER)
      .filter((c) => !str(get(c.inputs, "upgradePolicy.supportType")))
      .map((c) => v(c, "upgradePolicy.supportType is unset: set cluster.supportType (STANDARD or EXTENDED)"));
  },
});

export const deployEksPrincipalArns = stackRule({
  id: "deploy-eks-principal-arns",
  description: "EKS access entries name IAM roles or users, never sts assumed-role session ARNs",
  source: "EKS API reference, CreateAccessEntry (principalArn: an IAM user or role)",
  types: [EKS_ACCESS_ENTRY],
  check(all, _ctx, v) {
    return ofType(all, EKS_ACCESS_ENTRY)
      .filter((e) => /:sts::\d{12}:assumed-role\//.test(String(e.inputs.principalArn ?? "")))
      .map((e) =>
        v(
          e,
          `principalArn ${String(e.inputs.principalArn)} is a session ARN, which CreateAccessEntry refuses: list ` +
            "the role (arn:aws:iam::<account>:role/<name>) in cluster.adminPrincipalArns",
        ),
      );
  },
});

/** GCP label keys and values: lowercase letters, digits, `_` and `-`, at most 63 (GCP "Labels" doc). */
const GCP_LABEL = /^[a-z0-9_-]{0,63}$/;
const GCP_LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;

/* ------------------------------------------------------------------------------------------ */
/* GKE: label values, the service agent                                                       */
/* ------------------------------------------------------------------------------------------ */

/** What deploy-gcp-labels reads: every GCP resource, and the google provider's default labels. */
const GCP_ANY = "gcp:*";
const GCP_PROVIDER = "pulumi:providers:gcp";

/** The label maps a GCP resource (or the google provider) carries. */
function gcpLabelMaps(r: ResourceUnderTest): [string, Rec][] {
  const i = rec(r.inputs);
  if (r.type === GCP_PROVIDER) return [["defaultLabels", rec(i.defaultLabels)]];
  if (!r.type.startsWith("gcp:")) return [];
  const maps: [string, Rec][] = [];
  if (i.labels !== undefined) maps.push(["labels", rec(i.labels)]);
  if (i.resourceLabels !== undefined) maps.push(["resourceLabels", rec(i.resourceLabels)]);
  const nodeResourceLabels = get(i, "nodeConfig.resourceLabels");
  if (nodeResourceLabels !== undefined) maps.push(["nodeConfig.resourceLabels", rec(nodeResourceLabels)]);
  return maps;
}

export const deployGcpLabels = stackRule({
  id: "deploy-gcp-labels",
  description: "GCP label keys and values are lowercase letters, digits, '_' and '-', at most 63 characters",
  source: "Google Cloud 'Labels' requirements",
  types: [GCP_ANY, GCP_PROVIDER],
  check(all, _ctx, v) {
    const out: Violation[] = [];
    for (const r of all) {
      for (const [where, labels] of gcpLabelMaps(r)) {
        for (const [k, value] of Object.entries(labels)) {
          if (!GCP_LABEL_KEY.test(k)) out.push(v(r, `${where} key "${k}" is not a valid GCP label key`));
          else if (typeof value === "string" && !GCP_LABEL.test(value)) {
            out.push(v(r, `${where}.${k} "${value}" is not a valid GCP label value (fix it in tags)`));
          }
        }
      }
    }
    return out;
  },
});

export const deployGkeServiceAgent = stackRule({
  id: "deploy-gke-service-agent",
  description:
    "grants to the GKE service agent wait for its service identity (it may not exist right after the API is enabled)",
  source: "GKE 'Encrypt secrets at the application layer' and google_project_service_identity",
  types: [GCP_KMS_KEY_MEMBER, GCP_SERVICE_IDENTITY],
  check(all, _ctx, v) {
    const identities = new Set(ofType(all, GCP_SERVICE_IDENTITY).map((r) => r.urn));
    return ofType(all, GCP_KMS_KEY_MEMBER)
      .filter((m) => /container-engine-robot/.test(String(m.inputs.member ?? "")))
      .filter((m) => !(m.dependsOn ?? []).some((u) => identities.has(u)))
      .map((m) =>
        v(
          m,
          "grants the GKE service agent before gcp.projects.ServiceIdentity has created it (fresh projects fail)",
        ),
      );
  },
});

/* ------------------------------------------------------------------------------------------ */
/* AKS: maintenance window                                                                    */
/* ------------------------------------------------------------------------------------------ */

export const deployAksMaintenanceWindow = stackRule({
  id: "deploy-aks-maintenance-window",
  description: "AKS auto-upgrades run in a planned maintenance window, not at any hour",
  source: "AKS 'Use Planned Maintenance to schedule and control upgrades'",
  types: [AKS_CLUSTER, AKS_MAINTENANCE],
  check(all, _ctx, v) {
    const windows = ofType(all, isAksMaintenance).map((m) => String(m.inputs.configName ?? ""));
    const out: Violation[] = [];
    for (const c of ofType(all, isAksCluster)) {
      const profile = rec(c.inputs.autoUpgradeProfile);
      const wanted: [string, string][] = [];
      if (str(profile.upgradeChannel) && profile.upgradeChannel !== "none") {
        wanted.push(["aksManagedAutoUpgradeSchedule", "cluster upgrades"]);
      }
      if (
        str(profile.nodeOSUpgradeChannel) &&
        !["None", "Unmanaged"].includes(String(profile.nodeOSUpgradeChannel))
      ) {
        wanted.push(["aksManagedNodeOSUpgradeSchedule", "node OS upgrades"]);
      }
      for (const [name, what] of wanted) {
        if (!windows.includes(name)) {
          out.push(v(c, `${what} have no ${name} maintenance configuration: set cluster.maintenanceWindow`));
        }
      }
    }
    return out;
  },
});

/**
 * Route 53 for external-dns and cert-manager's DNS-01 solver: an IAM role per ServiceAccount (through
 * the cluster's workload identity, eks/identity.ts) with exactly the calls its program makes, on
 * exactly the configured hosted zones. The policy documents
 * are pure functions (exported for tests); `eksDns` is what the cluster publishes as its `dns`.
 */
import * as pulumi from "@pulumi/pulumi";
import { CloudDnsTarget, DnsClient, DnsIdentity, DnsZone, ServiceAccountRef } from "../types";
import { WorkloadIdentityIssuer, bindWithInlinePolicy } from "./identity";

/** The ARN of a Route 53 hosted zone (global: no region, no account; `arn:aws:route53:::hostedzone/<id>`). */
export function hostedZoneArn(partition: string, zoneId: string): string {
  return `arn:${partition}:route53:::hostedzone/${zoneId}`;
}

/** The hosted zone ids of `zones`; each must carry one (config requires it on eks). */
export function hostedZoneIds(zones: DnsZone[]): string[] {
  return zones.map((z) => {
    if (!z.id) throw new Error(`Route 53: zone ${z.name} has no hosted zone id (addons.dns.zones[].id)`);
    return z.id;
  });
}

/**
 * external-dns's AWS provider (provider/aws/aws.go at the image of CHARTS.externalDns) lists the
 * hosted zones (ListHostedZones, which IAM cannot scope to a zone), reads and changes record sets
 * (ListResourceRecordSets, ChangeResourceRecordSets); ListTagsForResources is called only with a zone
 * tag filter, which the platform does not set. The tutorial's policy (docs/tutorials/aws.md) allows
 * `hostedzone/*`; this one lists the configured zones only.
 */
export function externalDnsRoute53Policy(partition: string, zoneIds: string[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "RecordsOfTheConfiguredZones",
        Effect: "Allow",
        Action: ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"],
        Resource: zoneIds.map((id) => hostedZoneArn(partition, id)),
      },
      {
        Sid: "FindTheZones",
        Effect: "Allow",
        Action: ["route53:ListHostedZones"],
        Resource: "*",
      },
    ],
  });
}

/**
 * cert-manager's route53 solver with `hostedZoneID` set (pkg/issuer/acme/dns/route53/route53.go of
 * CHARTS.certManager): an UPSERT and a DELETE of the `_acme-challenge` TXT record, then GetChange until
 * the change is INSYNC; no ListHostedZonesByName (cert-manager "Route53": it "can be removed if you
 * specify the (optional) hostedZoneID"). The record type and name conditions are Route 53's
 * ChangeResourceRecordSets condition keys (AWS "Using IAM policy conditions for fine-grained access
 * control", Route 53): TXT records named `_acme-challenge.…` only.
 */
export function certManagerRoute53Policy(partition: string, zoneIds: string[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ChallengeRecordsOfTheConfiguredZones",
        Effect: "Allow",
        Action: ["route53:ChangeResourceRecordSets"],
        Resource: zoneIds.map((id) => hostedZoneArn(partition, id)),
        Condition: {
          "ForAllValues:StringEquals": { "route53:ChangeResourceRecordSetsRecordTypes": ["TXT"] },
          "ForAllValues:StringLike": {
            "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["_acme-challenge.*"],
          },
        },
      },
      {
        Sid: "ChangeStatus",
        Effect: "Allow",
        Action: ["route53:GetChange"],
        Resource: `arn:${partition}:route53:::change/*`,
      },
    ],
  });
}

/** The Route 53 policy of `client` on `zoneIds`. */
export function route53Policy(client: DnsClient, partition: string, zoneIds: string[]): string {
  return client === "external-dns"
    ? externalDnsRoute53Policy(partition, zoneIds)
    : certManagerRoute53Policy(partition, zoneIds);
}

/** Binds `sa` to a role allowed `client`'s Route 53 calls on `zones` (children of `parent`). */
export function bindDnsServiceAccount(
  issuer: WorkloadIdentityIssuer,
  aws: { partition: pulumi.Output<string>; region: string },
  bind: { name: string; sa: ServiceAccountRef; zones: DnsZone[]; client: DnsClient },
  parent: pulumi.Resource,
): DnsIdentity {
  const zoneIds = hostedZoneIds(bind.zones);
  const identity = bindWithInlinePolicy(
    issuer,
    { name: bind.name, sa: bind.sa, policyName: `${bind.name}-route53` },
    aws.partition.apply((p) => route53Policy(bind.client, p, zoneIds)),
    parent,
  );
  return {
    ...identity,
    facts: { provider: "aws", region: aws.region },
  };
}

/** What the EKS cluster publishes as its DNS: Route 53 through the cluster's workload identity. */
export function eksDns(
  issuer: WorkloadIdentityIssuer,
  aws: { partition: pulumi.Output<string>; region: string },
): CloudDnsTarget {
  return {
    kind: "cloud",
    provider: "aws",
    bindServiceAccount: (name, sa, zones, client, parent) =>
      bindDnsServiceAccount(issuer, aws, { name, sa, zones, client }, parent),
  };
}

/** EKS's DNS binding: Route 53 through IRSA, with exactly each client's calls on exactly the configured zones. */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { EksCluster } from "../components/cluster/eks";
import {
  certManagerRoute53Policy,
  externalDnsRoute53Policy,
  hostedZoneArn,
  hostedZoneIds,
} from "../components/cluster/eks/dns";
import { DnsClient, DnsZone } from "../components/cluster/types";
import { ProgramRun, runResources } from "../offline/mocks";
import { ACCOUNT, devSettings } from "./helpers/eks-cluster";

const ZONES: DnsZone[] = [
  { name: "kube-platform.dev", id: "Z0123456789ABCDEFGHIJ" },
  { name: "internal.kube-platform.dev", id: "Z0987654321JIHGFEDCBA" },
];

describe("EKS DNS: Route 53 policy documents", () => {
  it("external-dns: record reads and changes on exactly the zones, ListHostedZones on *", () => {
    assert.deepEqual(
      JSON.parse(externalDnsRoute53Policy("aws", ["Z0123456789ABCDEFGHIJ", "Z0987654321JIHGFEDCBA"])),
      {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "RecordsOfTheConfiguredZones",
            Effect: "Allow",
            Action: ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"],
            Resource: [
              "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ",
              "arn:aws:route53:::hostedzone/Z0987654321JIHGFEDCBA",
            ],
          },
          { Sid: "FindTheZones", Effect: "Allow", Action: ["route53:ListHostedZones"], Resource: "*" },
        ],
      },
    );
  });

  it("cert-manager: only _acme-challenge TXT changes on the zones, and GetChange", () => {
    assert.deepEqual(JSON.parse(certManagerRoute53Policy("aws-cn", ["Z0123456789ABCDEFGHIJ"])), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ChallengeRecordsOfTheConfiguredZones",
          Effect: "Allow",
          Action: ["route53:ChangeResourceRecordSets"],
          Resource: ["arn:aws-cn:route53:::hostedzone/Z0123456789ABCDEFGHIJ"],
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
          Resource: "arn:aws-cn:route53:::change/*",
        },
      ],
    });
  });

  it("no statement grants a zone outside the list, and neither client gets ListTagsForResources", () => {
    for (const doc of [externalDnsRoute53Policy("aws", ["Z1"]), certManagerRoute53Policy("aws", ["Z1"])]) {
      assert.ok(!doc.includes("hostedzone/*"), doc);
      assert.ok(!doc.includes("ListTagsForResource"), doc);
    }
    assert.equal(hostedZoneArn("aws-us-gov", "Z1"), "arn:aws-us-gov:route53:::hostedzone/Z1");
  });

  it("refuses a zone without its hosted zone id", () => {
    assert.deepEqual(hostedZoneIds(ZONES), ["Z0123456789ABCDEFGHIJ", "Z0987654321JIHGFEDCBA"]);
    assert.throws(
      () => hostedZoneIds([{ name: "kube-platform.dev" }]),
      /^Error: Route 53: zone kube-platform\.dev has no hosted zone id \(addons\.dns\.zones\[\]\.id\)$/,
    );
  });
});

describe("EKS DNS: the binding", function () {
  this.timeout(60_000);

  async function bind(client: DnsClient, sa = { namespace: "external-dns", name: "external-dns" }) {
    let kind = "";
    let provider = "";
    const run = await runResources(
      () => {
        const c = new EksCluster("kp", devSettings);
        const addon = new pulumi.ComponentResource("test:addons:Dns", "dns");
        if (c.dns.kind !== "cloud") throw new Error("EKS publishes a cloud DNS");
        kind = c.dns.kind;
        provider = c.dns.provider;
        const identity = c.dns.bindServiceAccount("dns", sa, ZONES, client, addon);
        return {
          annotations: identity.serviceAccountAnnotations,
          principal: identity.principal,
          podLabels: identity.podLabels,
          facts: identity.facts,
        };
      },
      { stack: "dev" },
    );
    return { run, kind, provider };
  }

  let external: { run: ProgramRun; kind: string; provider: string };
  let certManager: { run: ProgramRun; kind: string; provider: string };
  before(async () => {
    external = await bind("external-dns");
    certManager = await bind("cert-manager", { namespace: "cert-manager", name: "cert-manager" });
  });

  it("publishes Route 53 as a cloud DNS", () => {
    assert.deepEqual(
      { kind: external.kind, provider: external.provider },
      { kind: "cloud", provider: "aws" },
    );
    assert.deepEqual(external.run.outputs.facts, { provider: "aws", region: "eu-west-1" });
    assert.deepEqual(external.run.outputs.podLabels, {});
  });

  it("a role only the ServiceAccount assumes (Pod Identity by default), under the caller's parent", () => {
    const { run } = external;
    const role = run.one("aws:iam/role:Role", "dns-irsa");
    assert.equal(run.byUrn(role.parent).name, "dns");
    const trust = JSON.parse(String(role.inputs.assumeRolePolicy));
    assert.deepEqual(trust.Statement[0].Principal, { Service: "pods.eks.amazonaws.com" });
    assert.deepEqual(trust.Statement[0].Condition.StringEquals, {
      "aws:RequestTag/eks-cluster-arn": `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/kp-dev`,
      "aws:RequestTag/kubernetes-namespace": "external-dns",
      "aws:RequestTag/kubernetes-service-account": "external-dns",
    });
    // No annotation: the association names the ServiceAccount (IRSA's: tests/cluster-eks-identity.test.ts).
    assert.deepEqual(run.outputs.annotations, {});
    const association = run.one("aws:eks/podIdentityAssociation:PodIdentityAssociation", "dns-pod-identity");
    assert.equal(association.inputs.roleArn, run.outputs.principal);
  });

  it("the role's policy is the client's document on the configured zones", () => {
    for (const [b, doc] of [
      [external, externalDnsRoute53Policy("aws", hostedZoneIds(ZONES))],
      [certManager, certManagerRoute53Policy("aws", hostedZoneIds(ZONES))],
    ] as const) {
      const policy = b.run.one("aws:iam/rolePolicy:RolePolicy", "dns-route53");
      assert.deepEqual(JSON.parse(String(policy.inputs.policy)), JSON.parse(doc));
      assert.equal(
        b.run.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.startsWith("dns")).length,
        1,
      );
    }
  });
});

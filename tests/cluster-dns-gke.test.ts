/**
 * GKE's DNS binding: a Workload Identity Google service account per client, record changes through a
 * zone-level custom role on exactly the configured managed zones, and only external-dns's zone listing
 * at the project (a project-level list a zone grant cannot allow).
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { GkeCluster } from "../components/cluster/gke";
import {
  CLOUD_DNS_RECORD_PERMISSIONS,
  CLOUD_DNS_ZONE_LIST_PERMISSIONS,
  dnsCustomRoleId,
  managedZoneNames,
} from "../components/cluster/gke/dns";
import { DnsClient, DnsZone } from "../components/cluster/types";
import { ProgramRun, runResources } from "../offline/mocks";
import { devSettings } from "./helpers/gke-cluster";

const ZONES: DnsZone[] = [
  { name: "gke.kube-platform.dev", id: "gke-kube-platform-dev" },
  { name: "internal.kube-platform.dev", id: "internal-kube-platform-dev" },
];
const ROLE = "gcp:projects/iAMCustomRole:IAMCustomRole";
const ZONE_MEMBER = "gcp:dns/dnsManagedZoneIamMember:DnsManagedZoneIamMember";
const PROJECT_MEMBER = "gcp:projects/iAMMember:IAMMember";

async function bind(client: DnsClient, sa: { namespace: string; name: string }): Promise<ProgramRun> {
  return runResources(
    () => {
      const c = new GkeCluster("kp", devSettings);
      const addon = new pulumi.ComponentResource("test:addons:Dns", "dns");
      if (c.dns.kind !== "cloud") throw new Error("GKE publishes a cloud DNS");
      const identity = c.dns.bindServiceAccount("edns", sa, ZONES, client, addon);
      return {
        provider: c.dns.provider,
        annotations: identity.serviceAccountAnnotations,
        principal: identity.principal,
        facts: identity.facts,
      };
    },
    { stack: "dev" },
  );
}

describe("GKE DNS: Cloud DNS grants", function () {
  this.timeout(60_000);
  let external: ProgramRun;
  let certManager: ProgramRun;
  before(async () => {
    external = await bind("external-dns", { namespace: "external-dns", name: "external-dns" });
    certManager = await bind("cert-manager", { namespace: "cert-manager", name: "cert-manager" });
  });

  it("the permissions of each client, literally", () => {
    assert.deepEqual(CLOUD_DNS_RECORD_PERMISSIONS, {
      "external-dns": [
        "dns.changes.create",
        "dns.resourceRecordSets.create",
        "dns.resourceRecordSets.delete",
        "dns.resourceRecordSets.list",
        "dns.resourceRecordSets.update",
      ],
      "cert-manager": [
        "dns.changes.create",
        "dns.changes.get",
        "dns.resourceRecordSets.create",
        "dns.resourceRecordSets.delete",
        "dns.resourceRecordSets.list",
        "dns.resourceRecordSets.update",
      ],
    });
    assert.deepEqual(CLOUD_DNS_ZONE_LIST_PERMISSIONS, ["dns.managedZones.list"]);
    // Neither can touch a zone itself (create, update, delete) nor anyone's access.
    for (const p of [
      ...CLOUD_DNS_RECORD_PERMISSIONS["external-dns"],
      ...CLOUD_DNS_RECORD_PERMISSIONS["cert-manager"],
    ])
      assert.ok(!/managedZones|IamPolicy/.test(p), p);
  });

  it("custom role ids: 3-64 of [a-zA-Z0-9_.], distinct per cluster, binding and purpose", () => {
    const a = dnsCustomRoleId("kube-platform-gke", "kp-addons-external-dns", "dns_records");
    assert.match(a, /^kp_kube_platform_gke_dns_records_[0-9a-f]{8}$/);
    const long = dnsCustomRoleId("c".repeat(40), "b".repeat(60), "dns_zone_list");
    assert.match(long, /^[a-zA-Z0-9_.]{3,64}$/);
    assert.equal(long.length, 64);
    assert.notEqual(dnsCustomRoleId("x", "a", "dns_records"), dnsCustomRoleId("x", "b", "dns_records"));
    assert.notEqual(dnsCustomRoleId("x", "a", "dns_records"), dnsCustomRoleId("x", "a", "dns_zone_list"));
  });

  it("publishes Cloud DNS of the cluster's project", () => {
    assert.equal(external.outputs.provider, "google");
    assert.deepEqual(external.outputs.facts, { provider: "google", project: devSettings.project });
    assert.deepEqual(external.outputs.annotations, {
      "iam.gke.io/gcp-service-account": external.outputs.principal,
    });
  });

  it("external-dns: the records role on exactly each managed zone, the zone-list role on the project", () => {
    const member = `serviceAccount:${String(external.outputs.principal)}`;
    const roles = external
      .ofType(ROLE)
      .map((r) => ({ name: r.name, permissions: r.inputs.permissions, stage: r.inputs.stage }))
      .sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(roles, [
      {
        name: "kp-edns-dns-role-records",
        permissions: CLOUD_DNS_RECORD_PERMISSIONS["external-dns"],
        stage: "GA",
      },
      { name: "kp-edns-dns-role-zone-list", permissions: ["dns.managedZones.list"], stage: "GA" },
    ]);
    const recordsRole = `projects/${devSettings.project}/roles/${String(external.one(ROLE, "-records").inputs.roleId)}`;
    assert.deepEqual(
      external
        .ofType(ZONE_MEMBER)
        .map((m) => m.inputs)
        .sort((a, b) => String(a.managedZone).localeCompare(String(b.managedZone))),
      ZONES.map((z) => ({ project: devSettings.project, managedZone: z.id, role: recordsRole, member })),
    );
    const listRole = `projects/${devSettings.project}/roles/${String(external.one(ROLE, "-zone-list").inputs.roleId)}`;
    assert.deepEqual(
      external
        .ofType(PROJECT_MEMBER)
        .filter((m) => m.name.startsWith("kp-edns"))
        .map((m) => m.inputs),
      [{ project: devSettings.project, role: listRole, member }],
    );
  });

  it("cert-manager: only the records role on the zones, nothing at the project", () => {
    assert.deepEqual(
      certManager.ofType(ROLE).map((r) => r.inputs.permissions),
      [CLOUD_DNS_RECORD_PERMISSIONS["cert-manager"]],
    );
    assert.equal(certManager.ofType(ZONE_MEMBER).length, 2);
    assert.deepEqual(
      certManager.ofType(PROJECT_MEMBER).filter((m) => m.name.startsWith("kp-edns")),
      [],
    );
  });

  it("no grant is a predefined role and none is on another zone", () => {
    for (const run of [external, certManager]) {
      for (const m of [
        ...run.ofType(ZONE_MEMBER),
        ...run.ofType(PROJECT_MEMBER).filter((x) => x.name.startsWith("kp-edns")),
      ]) {
        assert.match(String(m.inputs.role), /^projects\/.+\/roles\/kp_/);
      }
      for (const m of run.ofType(ZONE_MEMBER))
        assert.ok(managedZoneNames(ZONES).includes(String(m.inputs.managedZone)));
    }
  });
});

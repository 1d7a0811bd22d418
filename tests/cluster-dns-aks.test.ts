/**
 * AKS's DNS binding: a workload-identity managed identity per client with "DNS Zone Contributor" on
 * exactly each configured zone and, for external-dns, "Reader" on the zones' resource group.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { AksCluster } from "../components/cluster/aks";
import { dnsRoleGrants, dnsZoneScope, grantScope, resourceGroupScope } from "../components/cluster/aks/dns";
import { AZURE_ROLES, roleDefinitionId } from "../components/cluster/aks/ids";
import { DnsClient, DnsZone } from "../components/cluster/types";
import { AZURE_MOCK } from "../offline/mock-state/azure";
import { ProgramRun, runResources } from "../offline/mocks";
import { prodSettings } from "./helpers/aks-cluster";

const SUB = AZURE_MOCK.subscriptionId;
const ZONES: DnsZone[] = [
  { name: "aks.kube-platform.dev", id: "kube-platform-dns" },
  { name: "internal.kube-platform.dev", id: "kube-platform-dns" },
];
const ASSIGNMENT = "azure-native:authorization:RoleAssignment";

describe("AKS DNS: role scopes", () => {
  it("built-in role definition ids (identical in every tenant)", () => {
    assert.equal(AZURE_ROLES.dnsZoneContributor, "befefa01-2a29-4197-83a8-272ff33ce314");
    assert.equal(AZURE_ROLES.reader, "acdd72a7-3385-48ef-bd42-f606fba81ae7");
  });

  it("external-dns: the contributor role on each zone, Reader on the resource group once", () => {
    const grants = dnsRoleGrants("external-dns", ZONES);
    assert.deepEqual(
      grants.map((g) => ({ role: g.role, key: g.key, scope: grantScope(g, SUB) })),
      [
        {
          role: "dnsZoneContributor",
          key: "aks-kube-platform-dev",
          scope: `/subscriptions/${SUB}/resourceGroups/kube-platform-dns/providers/Microsoft.Network/dnsZones/aks.kube-platform.dev`,
        },
        {
          role: "dnsZoneContributor",
          key: "internal-kube-platform-dev",
          scope: `/subscriptions/${SUB}/resourceGroups/kube-platform-dns/providers/Microsoft.Network/dnsZones/internal.kube-platform.dev`,
        },
        {
          role: "reader",
          key: "rg-kube-platform-dns",
          scope: `/subscriptions/${SUB}/resourceGroups/kube-platform-dns`,
        },
      ],
    );
  });

  it("cert-manager: the zones only, no Reader", () => {
    assert.deepEqual(
      dnsRoleGrants("cert-manager", ZONES).map((g) => g.role),
      ["dnsZoneContributor", "dnsZoneContributor"],
    );
    assert.equal(resourceGroupScope("s", "rg"), "/subscriptions/s/resourceGroups/rg");
    assert.equal(
      dnsZoneScope("s", "rg", "a.b"),
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/dnsZones/a.b",
    );
  });

  it("refuses a zone without its resource group", () => {
    assert.throws(
      () => dnsRoleGrants("cert-manager", [{ name: "aks.kube-platform.dev" }]),
      /^Error: Azure DNS: zone aks\.kube-platform\.dev has no resource group \(addons\.dns\.zones\[\]\.id\)$/,
    );
  });
});

describe("AKS DNS: the binding", function () {
  this.timeout(60_000);

  async function bind(client: DnsClient, sa: { namespace: string; name: string }): Promise<ProgramRun> {
    return runResources(
      () => {
        const c = new AksCluster("kp", prodSettings);
        const addon = new pulumi.ComponentResource("test:addons:Dns", "dns");
        if (c.dns.kind !== "cloud") throw new Error("AKS publishes a cloud DNS");
        const identity = c.dns.bindServiceAccount("edns", sa, ZONES, client, addon);
        return {
          provider: c.dns.provider,
          annotations: identity.serviceAccountAnnotations,
          podLabels: identity.podLabels,
          principal: identity.principal,
          facts: pulumi.output(identity.facts),
        };
      },
      { stack: "prod" },
    );
  }

  let external: ProgramRun;
  let certManager: ProgramRun;
  before(async () => {
    external = await bind("external-dns", { namespace: "external-dns", name: "external-dns" });
    certManager = await bind("cert-manager", { namespace: "cert-manager", name: "cert-manager" });
  });

  it("a managed identity federated with exactly the ServiceAccount, the client id in facts and annotation", () => {
    const federation = external.one(
      "azure-native:managedidentity:FederatedIdentityCredential",
      "edns-federation",
    );
    assert.equal(federation.inputs.subject, "system:serviceaccount:external-dns:external-dns");
    const clientId = (external.outputs.annotations as Record<string, string>)[
      "azure.workload.identity/client-id"
    ];
    assert.ok(clientId);
    assert.deepEqual(external.outputs.facts, {
      provider: "azure",
      tenantId: AZURE_MOCK.tenantId,
      subscriptionId: SUB,
      clientId,
    });
    assert.deepEqual(external.outputs.podLabels, { "azure.workload.identity/use": "true" });
    assert.equal(external.outputs.provider, "azure");
  });

  it("the role assignments: the principal, ServicePrincipal, the built-in role on exactly each scope", () => {
    const rows = (run: ProgramRun) =>
      run
        .ofType(ASSIGNMENT)
        .filter((a) => a.name.startsWith("edns-dns-"))
        .map((a) => ({
          name: a.name,
          role: a.inputs.roleDefinitionId,
          scope: a.inputs.scope,
          type: a.inputs.principalType,
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
    const zone = (z: string) =>
      `/subscriptions/${SUB}/resourceGroups/kube-platform-dns/providers/Microsoft.Network/dnsZones/${z}`;
    const contributor = roleDefinitionId(SUB, AZURE_ROLES.dnsZoneContributor);
    assert.deepEqual(rows(external), [
      {
        name: "edns-dns-aks-kube-platform-dev",
        role: contributor,
        scope: zone("aks.kube-platform.dev"),
        type: "ServicePrincipal",
      },
      {
        name: "edns-dns-internal-kube-platform-dev",
        role: contributor,
        scope: zone("internal.kube-platform.dev"),
        type: "ServicePrincipal",
      },
      {
        name: "edns-dns-rg-kube-platform-dns",
        role: roleDefinitionId(SUB, AZURE_ROLES.reader),
        scope: `/subscriptions/${SUB}/resourceGroups/kube-platform-dns`,
        type: "ServicePrincipal",
      },
    ]);
    assert.deepEqual(
      rows(certManager).map((r) => r.name),
      ["edns-dns-aks-kube-platform-dev", "edns-dns-internal-kube-platform-dev"],
    );
    for (const a of external.ofType(ASSIGNMENT).filter((x) => x.name.startsWith("edns-dns-")))
      assert.equal(a.inputs.principalId, external.outputs.principal);
  });
});

/** The GKE target's pure functions. */
import * as assert from "assert/strict";
import { parse } from "yaml";
import {
  gcpServiceAccountId,
  gkeContextName,
  gkeServiceAgentMember,
  gkeKubeconfig,
  initialNodeCountPerZone,
  parseGkeTaint,
  workloadIdentityMember,
} from "../components/cluster/gke";

describe("GKE pure helpers", () => {
  it("parseGkeTaint maps Kubernetes effects to GKE's", () => {
    assert.deepEqual(parseGkeTaint("dedicated=system:NoSchedule"), {
      key: "dedicated",
      value: "system",
      effect: "NO_SCHEDULE",
    });
    assert.deepEqual(parseGkeTaint("example.com/spot=true:PreferNoSchedule"), {
      key: "example.com/spot",
      value: "true",
      effect: "PREFER_NO_SCHEDULE",
    });
    assert.deepEqual(parseGkeTaint("gpu=:NoExecute"), { key: "gpu", value: "", effect: "NO_EXECUTE" });
    assert.deepEqual(parseGkeTaint("gpu=:NoExecute"), { key: "gpu", value: "", effect: "NO_EXECUTE" });
  });

  it("parseGkeTaint rejects malformed taints", () => {
    assert.throws(() => parseGkeTaint("dedicated=system"), /invalid taint/);
    assert.throws(() => parseGkeTaint("dedicated=system:NoWay"), /invalid taint/);
    assert.throws(() => parseGkeTaint("=system:NoSchedule"), /invalid taint/);
  });

  it("gcpServiceAccountId keeps valid IDs as they are", () => {
    assert.equal(gcpServiceAccountId("kp-prod", "vault"), "kp-prod-vault");
    assert.equal(gcpServiceAccountId("kp-prod", "nodes"), "kp-prod-nodes");
  });

  it("gcpServiceAccountId always yields a valid ID (6-30 chars, [a-z][a-z0-9-]*[a-z0-9])", () => {
    const valid = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
    for (const [prefix, name] of [
      ["kp-prod", "external-secrets-operator-controller"],
      ["a-very-long-cluster-name-for-production", "vault"],
      ["kp", "a"],
      ["kp", "Cert_Manager"],
      ["1-cluster", "x"],
      ["kp", "trailing-"],
    ]) {
      const id = gcpServiceAccountId(prefix, name);
      assert.match(id, valid, `${prefix}/${name} -> ${id}`);
    }
  });

  it("gcpServiceAccountId is unique per name even when truncated or sanitized", () => {
    const long = "external-secrets-operator-controller";
    const a = gcpServiceAccountId("kp-prod", `${long}-a`);
    const b = gcpServiceAccountId("kp-prod", `${long}-b`);
    assert.notEqual(a, b);
    assert.notEqual(gcpServiceAccountId("kp", "Vault_x"), gcpServiceAccountId("kp", "vault-x"));
    assert.equal(gcpServiceAccountId("kp-prod", long), gcpServiceAccountId("kp-prod", long), "deterministic");
  });

  it("gkeServiceAgentMember uses the returned email, else the documented agent name", () => {
    assert.equal(
      gkeServiceAgentMember("agent@example.iam.gserviceaccount.com", "42"),
      "serviceAccount:agent@example.iam.gserviceaccount.com",
    );
    for (const none of [undefined, ""]) {
      assert.equal(
        gkeServiceAgentMember(none, "42"),
        "serviceAccount:service-42@container-engine-robot.iam.gserviceaccount.com",
      );
    }
  });

  it("initialNodeCountPerZone spreads the total minimum over the default three zones", () => {
    assert.equal(initialNodeCountPerZone(0), 1);
    assert.equal(initialNodeCountPerZone(1), 1);
    assert.equal(initialNodeCountPerZone(3), 1);
    assert.equal(initialNodeCountPerZone(4), 2);
    assert.equal(initialNodeCountPerZone(9), 3);
    assert.equal(initialNodeCountPerZone(4, 2), 2);
  });

  it("workloadIdentityMember names exactly <project>.svc.id.goog[<ns>/<name>]", () => {
    assert.equal(
      workloadIdentityMember("acme", { namespace: "cert-manager", name: "cert-manager" }),
      "serviceAccount:acme.svc.id.goog[cert-manager/cert-manager]",
    );
  });

  it("gkeKubeconfig builds an exec kubeconfig with no credentials in it", () => {
    const ctx = gkeContextName("p", "europe-west1", "c");
    assert.equal(ctx, "gke_p_europe-west1_c");
    const kc = parse(gkeKubeconfig({ contextName: ctx, endpoint: "10.0.0.2", caCertificate: "Q0E=" }));
    assert.equal(kc.apiVersion, "v1");
    assert.equal(kc.kind, "Config");
    assert.deepEqual(kc.contexts, [{ name: ctx, context: { cluster: ctx, user: ctx } }]);
    assert.deepEqual(kc.clusters, [
      { name: ctx, cluster: { server: "https://10.0.0.2", "certificate-authority-data": "Q0E=" } },
    ]);
    assert.deepEqual(Object.keys(kc.users[0].user), ["exec"]);
    assert.equal(kc.users[0].user.exec.command, "gke-gcloud-auth-plugin");
    assert.equal(kc.users[0].user.exec.args, undefined);
  });
});

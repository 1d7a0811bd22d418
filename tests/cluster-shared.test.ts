import * as assert from "assert";
import { apiTaint, assertNodePools, parseTaint, shortHash } from "../components/cluster/shared";
import { nodePoolSettings } from "./helpers/settings";

const pool = nodePoolSettings({
  name: "general",
  machineType: "m",
  minNodes: 1,
  maxNodes: 3,
  diskSizeGb: 100,
  labels: {},
  taints: ["a=b:NoSchedule"],
});

describe("cluster helpers shared by every target", () => {
  it("parseTaint and apiTaint", () => {
    assert.deepStrictEqual(parseTaint("example.com/x=y:NoExecute"), {
      key: "example.com/x",
      value: "y",
      effect: "NoExecute",
    });
    assert.deepStrictEqual(apiTaint("spot=:PreferNoSchedule"), {
      key: "spot",
      value: "",
      effect: "PREFER_NO_SCHEDULE",
    });
    assert.throws(() => parseTaint("a=b"), /invalid taint "a=b": expected key=value:Effect/);
    assert.throws(() => parseTaint("a=b:Never"), /invalid taint effect "Never"/);
  });

  it("assertNodePools rejects what every cloud would reject", () => {
    assert.doesNotThrow(() => assertNodePools("X", [pool]));
    assert.throws(() => assertNodePools("X", []), /X: at least one node pool/);
    assert.throws(() => assertNodePools("X", [pool, pool]), /duplicate node pool name "general"/);
    assert.throws(() => assertNodePools("X", [{ ...pool, minNodes: 4 }]), /minNodes <= maxNodes/);
    assert.throws(() => assertNodePools("X", [{ ...pool, maxNodes: 0, minNodes: 0 }]), /maxNodes >= 1/);
    assert.throws(() => assertNodePools("X", [{ ...pool, maxNodes: 2.5 }]), /integers/);
    assert.throws(() => assertNodePools("X", [{ ...pool, taints: ["bad"] }]), /invalid taint/);
  });

  it("shortHash is stable and distinct", () => {
    assert.strictEqual(shortHash("a", 8), shortHash("a", 8));
    assert.strictEqual(shortHash("a", 8).length, 8);
    assert.notStrictEqual(shortHash("a", 8), shortHash("b", 8));
  });
});

/**
 * Per-type mock outputs and `call` results, one table per cloud (./mock-state/<cloud>.ts).
 * Outputs a real provider computes (ARNs, endpoints, issuers, kubeconfigs) are filled in here so
 * that the program's `apply` chains run as they would against the cloud.
 */
import { MockTables } from "./mock-state/types";
import { aws } from "./mock-state/aws";
import { gcp } from "./mock-state/gcp";
import { azure } from "./mock-state/azure";
import { digitalocean } from "./mock-state/digitalocean";
import { kubernetes } from "./mock-state/kubernetes";
import { random } from "./mock-state/random";
import { stackReferences } from "./mock-state/stack-references";

const tables: MockTables[] = [aws, gcp, azure, digitalocean, kubernetes, random, stackReferences];

export function mockResourceState(type: string, name: string, inputs: Record<string, unknown>): object {
  for (const t of tables) {
    const f = t.resources[type];
    if (f) return f(name, inputs);
  }
  return {};
}

export function mockCall(token: string, inputs: Record<string, unknown>): Record<string, unknown> {
  for (const t of tables) {
    const f = t.calls[token];
    if (f) return f(inputs);
  }
  throw new Error(`no mock for function ${token}: add one to offline/mock-state/`);
}

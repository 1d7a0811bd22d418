/** Loads the repository's stack files (Pulumi.<stack>.yaml, examples/Pulumi.<name>.yaml) as test config. */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { PROJECT } from "./mocks";

const ROOT = path.resolve(__dirname, "../..");

/** Every example stack: name → file. The two real stacks plus one per other target. */
export const EXAMPLE_STACKS: Record<string, string> = {
  dev: "Pulumi.dev.yaml",
  prod: "Pulumi.prod.yaml",
  gke: "examples/Pulumi.gke.yaml",
  aks: "examples/Pulumi.aks.yaml",
  doks: "examples/Pulumi.doks.yaml",
  kind: "examples/Pulumi.kind.yaml",
};

/** The project-namespace config of a stack file, keys without the `kube-platform:` prefix. */
export function loadStackConfig(stack: string): Record<string, unknown> {
  const file = path.join(ROOT, EXAMPLE_STACKS[stack]);
  const doc = parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc.config)) {
    if (!key.startsWith(`${PROJECT}:`))
      throw new Error(`${file}: key ${key} is outside the project namespace`);
    out[key.slice(PROJECT.length + 1)] = value;
  }
  return out;
}

/** A minimal kind-style kubeconfig for tests of the existing target. */
export const SAMPLE_KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: kind-kind
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: Q0E=
contexts:
- name: kind-kind
  context: {cluster: kind-kind, user: kind-kind}
current-context: kind-kind
users:
- name: kind-kind
  user: {token: sample-token}
`;

// The offline preflight (preflight/plan.ts) as the gate of `npm run local`: the stack file is
// evaluated under mocks and the security and deployability rules run on every registration before
// anything is created, so that an edit that cannot deploy (e.g. a LoadBalancer ingress Service on
// kind) is refused in seconds instead of after Helm's 15-minute wait.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SAMPLE_KUBECONFIG, readStackFile } from "../offline/stacks";
import { preflight } from "../preflight/plan";

/**
 * Runs the preflight on `file` for `stack`; logs what stops the deploy. Returns the preflight's
 * exit code: 0 passed, 1 mandatory violations, 2 invalid config.
 */
export async function localPreflight(
  file: string,
  stack: string,
  log: (line: string) => void,
): Promise<0 | 1 | 2> {
  const config = readStackFile(file);
  const name = path.basename(file);
  // The kind kubeconfig is written later (and the preflight needs no credentials): a placeholder.
  const cluster = config.cluster as Record<string, unknown> | undefined;
  let dir: string | undefined;
  if (typeof cluster?.kubeconfigPath === "string") {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-local-preflight-"));
    fs.writeFileSync(path.join(dir, "config"), SAMPLE_KUBECONFIG, { mode: 0o600 });
    config.cluster = { ...cluster, kubeconfigPath: path.join(dir, "config") };
  }
  try {
    const result = await preflight(config, stack);
    if (result.problems) {
      log(`error: ${name} is invalid:`);
      for (const p of result.problems) log(`  - ${p}`);
      return result.exitCode;
    }
    const plan = result.plan!;
    const mandatory = plan.violations.filter((v) => v.severity === "mandatory");
    const advisory = plan.violations.length - mandatory.length;
    if (result.exitCode !== 0) {
      log(
        `error: the preflight refuses ${name} (${mandatory.length} mandatory violation(s)); nothing was deployed:`,
      );
      for (const v of mandatory) log(`  ${v.ruleId} ${v.resource}: ${v.message}`);
      log(`  hint: fix ${name}; the whole report: npm run preflight -- --stack ${stack}`);
      return result.exitCode;
    }
    log(
      `preflight of ${name}: passed (${plan.resourceCount} resources` +
        `${advisory > 0 ? `, ${advisory} advisory finding(s): npm run preflight -- --stack ${stack}` : ""})`,
    );
    return 0;
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

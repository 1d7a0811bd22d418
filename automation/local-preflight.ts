// The offline preflight (preflight/plan.ts) as the gate of `npm run local`: the stack file is
// evaluated under mocks and the security and deployability rules run on every registration before
// anything is created, so that an edit that cannot deploy (e.g. a LoadBalancer ingress Service on
// kind) is refused in seconds instead of after Helm's 15-minute wait.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SAMPLE_KUBECONFIG, readStackDocument } from "../offline/stacks";
import { preflight, type PreflightExitCode } from "../preflight/plan";
import { EXIT } from "./exit-codes";

/**
 * Runs the preflight on `file` for `stack`; logs what stops the deploy. Returns the preflight's
 * exit code (automation/exit-codes.ts): EXIT.success passed, EXIT.policy mandatory violations,
 * EXIT.usage invalid config.
 */
export async function localPreflight(
  file: string,
  stack: string,
  log: (line: string) => void,
): Promise<PreflightExitCode> {
  const doc = readStackDocument(file);
  const config = doc.config;
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
    const result = await preflight(config, stack, undefined, {
      otherConfig: doc.otherConfig,
      problems: doc.problems,
    });
    const plan = result.plan;
    if (result.problems || !plan) {
      log(`error: ${name} is invalid:`);
      for (const p of result.problems ?? []) log(`  - ${p}`);
      return result.exitCode;
    }
    const mandatory = plan.violations.filter((v) => v.severity === "mandatory");
    const advisory = plan.violations.length - mandatory.length;
    if (result.exitCode !== EXIT.success) {
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
    return result.exitCode;
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

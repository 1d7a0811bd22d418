// The pipeline driver's --help text. The exit codes come from the one table (./exit-codes), so the
// help never disagrees with what the driver returns.

import { EXIT, EXIT_MEANING, type ExitName } from "./exit-codes";

/** One line per exit code, in the table's order: `  20  the promotion gate refused`. */
export function exitCodeLines(indent = "  "): string[] {
  return (Object.keys(EXIT) as ExitName[]).map(
    (name) => `${indent}${String(EXIT[name]).padStart(3)}  ${EXIT_MEANING[name]}`,
  );
}

export const USAGE = `Usage: npm run platform -- <command> --stack NAME [--stack NAME ...] [options]

Runs this repository's Pulumi program (Pulumi.yaml + index.ts) through the Automation API.

Commands:
  preview   show what up would change; on protected stacks also what the gate would refuse
  up        deploy; a protected stack is previewed first and refused if a protected
            resource would be replaced or deleted (unless --allow-replace)
  refresh   reconcile the state with the cloud (the stack must exist)
  destroy   delete every resource (the stack must exist); several stacks run in reverse
            order; gated like up on protected stacks; reports what it leaves behind
  outputs   print the stacks' non-secret outputs (the stack must exist)
  drift     what changed outside Pulumi: a refresh preview of each stack, nothing is
            changed; exit code ${EXIT.changes} when anything drifted

Options:
  -s, --stack NAME          stack to operate on; repeat or comma-separate for several
  -p, --parallel N          run up to N stacks at once (default 1)
      --config KEY=VALUE    set a config value before the operation; KEY is a property
                            path: cluster.region=eu-west-1, apps[0].image=...
      --secret KEY=VALUE    the same, stored encrypted; values are never printed
      --allow-replace       let up/destroy replace or delete protected resources
      --refresh             refresh the state first (preview, up, destroy)
      --policy-pack DIR     run a CrossGuard policy pack (preview, up; repeatable), with the
                            stack's profile and waivers as its config (e.g. --policy-pack policy)
      --target URN          operate on this resource only (repeatable; preview, up, refresh,
                            destroy, drift)
      --expect-no-changes   fail with exit code ${EXIT.changes} if anything would change (preview, up, refresh)
      --diff                print each step's property changes (preview, up, destroy)
      --show-secrets        print the secret outputs too (up, refresh, outputs); never in the report
      --message TEXT        message recorded with the update
      --backend URL         state backend (default: PULUMI_BACKEND_URL, else the CLI's login)
      --local [DIR]         file backend in DIR (default $XDG_STATE_HOME/kube-platform, else
                            ~/.local/state/kube-platform) with passphrase secrets (needs
                            PULUMI_CONFIG_PASSPHRASE or ..._FILE)
      --secrets-provider P  secrets provider of stacks the driver creates
                            (passphrase, awskms://..., gcpkms://..., azurekeyvault://...)
      --json FILE|-         write the JSON report to FILE, or to stdout with -
  -h, --help                show this help

Exit codes (several stacks: the most severe):
${exitCodeLines().join("\n")}`;

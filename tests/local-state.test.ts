// Where `npm run local` keeps its files (automation/local-state.ts): the kubeconfig path as the
// program reads it (`~` and `~/` only, stacks/config.ts expandHome), and the hints for the state an
// earlier version left in the repository, run as printed (the kubeconfig step by a shell, the
// driver commands through the driver's own parser).

import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs, preflightProblems } from "../automation/args";
import {
  KIND_KUBECONFIG,
  LEGACY_LOCAL_DIR,
  kindKubeconfigPath,
  legacyStateProblem,
} from "../automation/local-state";
import { expandHome } from "../stacks/config";

describe("the local command's state of an earlier version: the hints work as printed", () => {
  let dir: string | undefined;
  afterEach(() => dir !== undefined && fs.rmSync(dir, { recursive: true, force: true }));

  it("names the moves and the driver commands for up and destroy, with the kubeconfig step and the empty passphrase", () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-legacy-"));
    const repo = path.join(dir, "repo");
    const home = path.join(dir, "home");
    const state = path.join(home, ".local", "state", "kube-platform");
    fs.mkdirSync(path.join(repo, LEGACY_LOCAL_DIR, ".pulumi"), { recursive: true });
    const kubeconfig = kindKubeconfigPath(KIND_KUBECONFIG, { HOME: home }, repo);
    assert.strictEqual(kubeconfig, path.join(state, "kind-kubeconfig.yaml"));
    const lines = legacyStateProblem(repo, state, "dev", {
      kubeconfigFile: kubeconfig,
      env: { PULUMI_CONFIG_PASSPHRASE: "" },
    });
    assert.deepStrictEqual(lines, [
      `error: the local state of an earlier version is in ${repo}/.pulumi-local; this version keeps it in ${state}`,
      `  hint: move it: mkdir -p ${state} && mv ${repo}/.pulumi-local/.pulumi ${state}/ (then npm run local, or npm run local -- destroy, again)`,
      `  hint: or keep it where it is, with the driver, from ${repo}: first write the kind cluster's kubeconfig where ` +
        `Pulumi.dev.yaml reads it: mkdir -p ${state} && (umask 077; kind get kubeconfig --name kube-platform > ${state}/kind-kubeconfig.yaml)`,
      "    then up: PULUMI_CONFIG_PASSPHRASE= npm run platform -- up --stack dev --local .pulumi-local --refresh",
      "    or destroy: PULUMI_CONFIG_PASSPHRASE= npm run platform -- destroy --stack dev --local .pulumi-local && kind delete cluster --name kube-platform",
    ]);
    // The user's own passphrase (or passphrase file) is in their shell already: nothing repeated.
    const own = legacyStateProblem(repo, state, "dev", { env: { PULUMI_CONFIG_PASSPHRASE_FILE: "/p" } });
    assert.strictEqual(
      own?.[3],
      "    then up: npm run platform -- up --stack dev --local .pulumi-local --refresh",
    );
    assert.match(own?.[2] ?? "", /> ~\/\.local\/state\/kube-platform\/kind-kubeconfig\.yaml\)$/);

    // The kubeconfig step, run by a shell with a stand-in kind: the file the stack reads, private.
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, "kind"), '#!/bin/sh\necho "kubeconfig of $4"\n', { mode: 0o755 });
    const step = (lines?.[2] ?? "").slice((lines?.[2] ?? "").indexOf("mkdir -p"));
    execFileSync("/bin/sh", ["-c", step], { env: { PATH: `${bin}:/usr/bin:/bin`, HOME: home } });
    assert.strictEqual(
      fs.readFileSync(path.join(state, "kind-kubeconfig.yaml"), "utf8"),
      "kubeconfig of kube-platform\n",
    );
    assert.strictEqual(fs.statSync(path.join(state, "kind-kubeconfig.yaml")).mode & 0o777, 0o600);
    // The driver commands parse, with the earlier state directory, and pass the passphrase check.
    for (const [i, command] of [
      [3, "up"],
      [4, "destroy"],
    ] as const) {
      const argv = (lines?.[i] ?? "").split(" -- ")[1].split(" && ")[0].split(" ");
      const parsed = parseArgs(argv, repo, { PULUMI_CONFIG_PASSPHRASE: "" });
      assert.ok(!parsed.help);
      assert.deepStrictEqual(
        [
          parsed.options.command,
          parsed.options.localDir,
          preflightProblems(parsed.options, { PULUMI_CONFIG_PASSPHRASE: "" }),
        ],
        [command, path.join(repo, LEGACY_LOCAL_DIR), []],
      );
    }
    // Moved: no problem any more.
    fs.mkdirSync(path.join(state, ".pulumi"), { recursive: true });
    assert.strictEqual(legacyStateProblem(repo, state, "dev"), undefined);
  });

  it("`~` and `~/` are the home directory, as the program reads cluster.kubeconfigPath; `~bob/x` is a relative path", () => {
    assert.strictEqual(expandHome("~", "/home/u"), "/home/u");
    assert.strictEqual(expandHome("~/k.yaml", "/home/u"), "/home/u/k.yaml");
    assert.strictEqual(expandHome("~bob/k.yaml", "/home/u"), "~bob/k.yaml");
    assert.strictEqual(expandHome("/etc/k.yaml", "/home/u"), "/etc/k.yaml");
    assert.strictEqual(kindKubeconfigPath("~/k.yaml", { HOME: "/home/u" }, "/repo"), "/home/u/k.yaml");
    assert.strictEqual(kindKubeconfigPath("~bob/k.yaml", { HOME: "/home/u" }, "/repo"), "/repo/~bob/k.yaml");
    assert.strictEqual(kindKubeconfigPath("~/k.yaml", {}, "/repo"), undefined);
  });
});

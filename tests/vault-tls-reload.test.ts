/**
 * The TLS reload sidecar's script (components/addons/vault/reload.ts), run by /bin/sh against a
 * temporary directory laid out as the kubelet lays out a Secret volume (files behind the `..data`
 * symlink, swapped at once), with a fake /proc. `kill` and `sleep` are shell functions defined
 * before the script (a function comes before a regular built-in in sh's command search): `kill`
 * prints what it would send, `sleep` prints a tick and waits for the test's next line, so each
 * test step is one loop of the script.
 */
import * as assert from "assert";
import { ChildProcessWithoutNullStreams, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  TLS_RELOAD_CONTAINER,
  TLS_RELOAD_INTERVAL_SECONDS,
  TLS_RELOAD_SCRIPT,
  tlsReloadContainer,
  VAULT_SERVER_IMAGE,
} from "../components/addons/vault";

const FAKES = `kill() { echo "KILL $*"; }
sleep() { echo "TICK $*"; read -r _ || exit 0; }
`;

/** A Secret volume: `..<rev>/tls.crt`, `..data` → `..<rev>`, `tls.crt` → `..data/tls.crt`. */
class SecretVolume {
  private revision = 0;
  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
  }
  /** Writes a new revision and swaps `..data` to it (rename over the old link: atomic). */
  publish(certificate: string): void {
    const rev = `..rev${++this.revision}`;
    fs.mkdirSync(path.join(this.dir, rev));
    fs.writeFileSync(path.join(this.dir, rev, "tls.crt"), certificate);
    fs.symlinkSync(rev, path.join(this.dir, "..data_tmp"));
    fs.renameSync(path.join(this.dir, "..data_tmp"), path.join(this.dir, "..data"));
    const link = path.join(this.dir, "tls.crt");
    if (!fs.existsSync(link)) fs.symlinkSync(path.join("..data", "tls.crt"), link);
  }
  get certPath(): string {
    return path.join(this.dir, "tls.crt");
  }
}

/** A fake /proc: one directory per pid with `comm` and the NUL-separated `cmdline`. */
function fakeProc(dir: string, processes: Record<number, string[]>): void {
  for (const [pid, argv] of Object.entries(processes)) {
    fs.mkdirSync(path.join(dir, pid), { recursive: true });
    fs.writeFileSync(path.join(dir, pid, "comm"), `${path.basename(argv[0])}\n`);
    fs.writeFileSync(path.join(dir, pid, "cmdline"), argv.map((a) => `${a}\0`).join(""));
  }
  fs.mkdirSync(path.join(dir, "self"), { recursive: true });
}

/** The script under /bin/sh, driven one loop at a time. */
class Watcher {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = "";
  private waiting?: { resolve: (lines: string[]) => void; reject: (e: Error) => void };
  private lines: string[] = [];

  constructor(env: Record<string, string>) {
    this.child = spawn("/bin/sh", ["-c", FAKES + TLS_RELOAD_SCRIPT], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
    });
    this.child.stdout.on("data", (d: Buffer) => this.onData(d.toString()));
    this.child.stderr.on("data", (d: Buffer) => this.lines.push(`STDERR ${d.toString().trim()}`));
  }

  private onData(text: string): void {
    this.buffer += text;
    const parts = this.buffer.split("\n");
    this.buffer = parts.pop() ?? "";
    for (const line of parts) {
      this.lines.push(line);
      if (line.startsWith("TICK") && this.waiting) {
        const out = this.lines;
        this.lines = [];
        this.waiting.resolve(out);
        this.waiting = undefined;
      }
    }
  }

  /** Output up to (and including) the next `sleep`. */
  nextTick(): Promise<string[]> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      setTimeout(() => reject(new Error(`no tick; output so far: ${JSON.stringify(this.lines)}`)), 5000);
    });
  }

  /** Ends the current sleep and returns what the next loop printed. */
  async step(): Promise<string[]> {
    const next = this.nextTick();
    this.child.stdin.write("\n");
    return next;
  }

  /** Closes stdin: the fake sleep's read fails and the script exits 0. */
  stop(): Promise<number | null> {
    return new Promise((resolve) => {
      this.child.on("exit", (code) => resolve(code));
      this.child.stdin.end();
    });
  }
}

const kills = (lines: string[]) => lines.filter((l) => l.startsWith("KILL"));
const CERT_A = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
const CERT_B = "-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n";
const CERT_C = "-----BEGIN CERTIFICATE-----\nCCCC\n-----END CERTIFICATE-----\n";

describe("Vault TLS reload script (sh)", function () {
  this.timeout(20000);
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vault-tls-reload-"));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("sends one SIGHUP to the vault server per certificate change, none while it is unchanged", async () => {
    const volume = new SecretVolume(path.join(tmp, "tls"));
    volume.publish(CERT_A);
    fakeProc(path.join(tmp, "proc"), {
      1: ["/pause"],
      7: ["/bin/sh", "-ec", "vault server -config=/tmp/storageconfig.hcl"],
      8: ["vault", "server", "-config=/tmp/storageconfig.hcl"],
      // A CLI run through `kubectl exec`: SIGHUP would end it, so it is never signalled.
      42: ["vault", "operator", "unseal"],
    });
    const w = new Watcher({
      VAULT_RELOAD_CERT: volume.certPath,
      VAULT_RELOAD_PROC: path.join(tmp, "proc"),
      VAULT_RELOAD_INTERVAL: "7",
    });
    const start = await w.nextTick();
    assert.ok(start.includes(`tls-reload: watching ${volume.certPath} every 7s`), start.join("\n"));
    assert.deepStrictEqual(start.at(-1), "TICK 7", "sleeps the configured interval");
    assert.deepStrictEqual(kills(start), [], "nothing sent at start");

    assert.deepStrictEqual(kills(await w.step()), [], "unchanged: no signal");

    volume.publish(CERT_B);
    const renewed = await w.step();
    assert.deepStrictEqual(kills(renewed), ["KILL -HUP 8"], "one SIGHUP, to the server only");
    assert.ok(renewed.some((l) => /sent SIGHUP to the vault server \(pid 8\)/.test(l)));

    assert.deepStrictEqual(kills(await w.step()), [], "the same certificate again: no signal");
    assert.deepStrictEqual(kills(await w.step()), []);

    volume.publish(CERT_C);
    assert.deepStrictEqual(kills(await w.step()), ["KILL -HUP 8"], "the next renewal: one more");
    // A new revision with the same content (a Secret update that did not touch tls.crt).
    volume.publish(CERT_C);
    assert.deepStrictEqual(kills(await w.step()), []);
    assert.strictEqual(await w.stop(), 0);
  });

  it("a missing certificate is not a change; with no server process running it says so and signals nothing", async () => {
    const volume = new SecretVolume(path.join(tmp, "tls"));
    fakeProc(path.join(tmp, "proc"), { 1: ["/pause"], 42: ["vault", "status"] });
    const w = new Watcher({
      VAULT_RELOAD_CERT: volume.certPath,
      VAULT_RELOAD_PROC: path.join(tmp, "proc"),
      VAULT_RELOAD_INTERVAL: "1",
    });
    await w.nextTick();
    const missing = await w.step();
    assert.deepStrictEqual(kills(missing), []);
    assert.ok(!missing.some((l) => l.startsWith("STDERR")), missing.join("\n"));
    volume.publish(CERT_A);
    const noServer = await w.step();
    assert.deepStrictEqual(kills(noServer), []);
    assert.ok(
      noServer.some((l) => /no vault server process/.test(l)),
      noServer.join("\n"),
    );
    assert.strictEqual(await w.stop(), 0);
  });

  it("defaults to the mounted TLS Secret, /proc and a 30 s interval; nothing Kubernetes would expand", () => {
    assert.match(TLS_RELOAD_SCRIPT, /cert="\$\{VAULT_RELOAD_CERT:-\/vault\/userconfig\/tls\/tls\.crt\}"/);
    assert.match(TLS_RELOAD_SCRIPT, /proc="\$\{VAULT_RELOAD_PROC:-\/proc\}"/);
    assert.strictEqual(TLS_RELOAD_INTERVAL_SECONDS, 30);
    assert.match(TLS_RELOAD_SCRIPT, /interval="\$\{VAULT_RELOAD_INTERVAL:-30\}"/);
    // Kubernetes rewrites `$$` and `$(NAME)` of a defined variable in command (Container.command).
    assert.doesNotMatch(TLS_RELOAD_SCRIPT, /\$\$/);
    assert.deepStrictEqual(
      new Set(TLS_RELOAD_SCRIPT.match(/\$\([A-Za-z_][A-Za-z0-9_]*\)/g)),
      new Set(["$(content)", "$(server_pids)"]),
    );
  });

  it("the container runs that script with the pinned server image", () => {
    const c = tlsReloadContainer();
    assert.strictEqual(c.name, TLS_RELOAD_CONTAINER);
    assert.strictEqual(c.image, `${VAULT_SERVER_IMAGE.repository}:${VAULT_SERVER_IMAGE.tag}`);
    assert.deepStrictEqual(c.command, ["/bin/sh", "-c", TLS_RELOAD_SCRIPT]);
  });
});

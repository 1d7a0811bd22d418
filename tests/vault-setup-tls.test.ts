/**
 * The setup Jobs verify Vault's certificate the way the platform issues it: a self-signed root (the
 * internal CA ClusterIssuer) signs Vault's own CA, which signs the server certificate, and the Jobs
 * trust Vault's CA alone (the root is never in `tls.crt` and must not be trusted). OpenSSL refuses a
 * non-self-signed anchor unless partial-chain verification is on.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as https from "https";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { send } from "../components/addons/vault/setup/http";

/** root → vault-ca → server (CN 127.0.0.1) in `dir`; throws when openssl is missing. */
function chain(dir: string): void {
  const f = (name: string) => path.join(dir, name);
  const ssl = (args: string[]) => execFileSync("openssl", args, { stdio: "ignore" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  fs.writeFileSync(f("ca.ext"), "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
  fs.writeFileSync(f("leaf.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  ssl([
    "req",
    "-x509",
    ...ec,
    "-days",
    "1",
    "-subj",
    "/CN=other",
    "-keyout",
    f("other.key"),
    "-out",
    f("other.pem"),
  ]);
  ssl([
    "req",
    "-x509",
    ...ec,
    "-days",
    "1",
    "-subj",
    "/CN=root",
    "-keyout",
    f("root.key"),
    "-out",
    f("root.pem"),
  ]);
  ssl(["req", ...ec, "-subj", "/CN=vault-ca", "-keyout", f("ca.key"), "-out", f("ca.csr")]);
  ssl(
    [
      "x509",
      "-req",
      "-in",
      f("ca.csr"),
      "-CA",
      f("root.pem"),
      "-CAkey",
      f("root.key"),
      "-CAcreateserial",
    ].concat(["-days", "1", "-extfile", f("ca.ext"), "-out", f("ca.pem")]),
  );
  ssl(["req", ...ec, "-subj", "/CN=127.0.0.1", "-keyout", f("leaf.key"), "-out", f("leaf.csr")]);
  ssl(
    [
      "x509",
      "-req",
      "-in",
      f("leaf.csr"),
      "-CA",
      f("ca.pem"),
      "-CAkey",
      f("ca.key"),
      "-CAcreateserial",
    ].concat(["-days", "1", "-extfile", f("leaf.ext"), "-out", f("leaf.pem")]),
  );
}

describe("vault-setup TLS: Vault's CA signed by the platform root", () => {
  let dir = "";
  let server: https.Server | undefined;
  let url = "";
  const read = (name: string) => fs.readFileSync(path.join(dir, name), "utf8");

  before(async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vault-setup-chain-"));
    try {
      chain(dir);
    } catch {
      this.skip();
    }
    // The server sends its certificate and Vault's CA (cert-manager's tls.crt), never the root.
    server = https.createServer({ key: read("leaf.key"), cert: read("leaf.pem") + read("ca.pem") }, (_q, r) =>
      r.end('{"initialized":false}'),
    );
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/v1/sys/init`;
  });
  after(() => {
    server?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("trusting Vault's CA alone verifies the server", async () => {
    const answer = await send({ url, method: "GET", ca: read("ca.pem"), timeoutMs: 5000 });
    assert.deepStrictEqual(answer.body, { initialized: false });
  });

  it("a CA that did not sign the chain is refused", async () => {
    await assert.rejects(send({ url, method: "GET", ca: read("other.pem"), timeoutMs: 5000 }), {
      name: "NetworkError",
    });
  });
});

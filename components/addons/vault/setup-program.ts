/** The Jobs' program (./setup/): the files shipped in its ConfigMap (pure: reads the folder). */
import * as fs from "fs";
import * as path from "path";

/** The folder of the Jobs' program (CommonJS, Node built-ins only); its `*.js` files are shipped. */
export const SETUP_PROGRAM_DIR = path.join(__dirname, "setup");
export const SETUP_ENTRY = "vault-setup.js";
/** A ConfigMap holds at most 1 MiB of data (Kubernetes docs, "ConfigMaps"). */
const CONFIGMAP_LIMIT = 1024 * 1024;

/**
 * Every `*.js` file of `dir` (not its sub-folders, no dotfiles: an editor's swap or temp file would
 * change the ConfigMap and re-run both Jobs), by name; throws when the entry point is missing.
 */
export function setupProgramFiles(dir: string = SETUP_PROGRAM_DIR): Record<string, string> {
  const names = fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isFile() && /^[^.].*\.js$/.test(e.name))
        .map((e) => e.name)
        .sort()
    : [];
  if (!names.includes(SETUP_ENTRY)) {
    throw new Error(`Vault setup: the Jobs' program ${path.join(dir, SETUP_ENTRY)} is missing`);
  }
  const files = Object.fromEntries(names.map((n) => [n, fs.readFileSync(path.join(dir, n), "utf8")]));
  const size = Object.entries(files).reduce((n, [k, v]) => n + k.length + Buffer.byteLength(v), 0);
  if (size > CONFIGMAP_LIMIT)
    throw new Error(`Vault setup: ${dir} holds ${size} bytes, over a ConfigMap's 1 MiB`);
  return files;
}

/**
 * Reloading the server certificate (ha mode). cert-manager renews the server certificate before it
 * expires (tls.ts: renewBefore), but Vault reads its listener key pair only at start and on SIGHUP
 * (HashiCorp support, "Vault SIGHUP Behavior": the certificates previously loaded "remain in use
 * until a SIGHUP is received, or until the Vault process is restarted"); a restarted pod comes back
 * sealed with Shamir, a SIGHUP reloads configuration and files and leaves the seal alone. So a small sidecar in
 * the server pods watches the mounted certificate and sends the Vault server process a SIGHUP when it
 * changes. It sees that process because the pod shares one process namespace
 * (`server.shareProcessNamespace`, rendered by vault-helm's templates/server-statefulset.yaml at
 * CHARTS.vault, "useful if Vault must be signaled, e.g. to send a SIGHUP" in its values.yaml), and may
 * signal it because it runs as the same uid (kill(2): the sender's uid must match the target's).
 */
import { resources } from "../base";
import { VAULT_SERVER_IMAGE, VAULT_TLS_DIR } from "./names";

/** Name of the sidecar container in the server pods. */
export const TLS_RELOAD_CONTAINER = "tls-reload";
/**
 * Seconds between two looks at the certificate. The kubelet itself refreshes a Secret volume only on
 * its periodic sync (Kubernetes docs, "Secrets": mounted Secrets are updated automatically, with a
 * delay of the kubelet sync period plus its cache's propagation delay), so polling faster gains nothing.
 */
export const TLS_RELOAD_INTERVAL_SECONDS = 30;

/**
 * The sidecar's POSIX sh script (busybox in the Vault image, dash or bash in the tests).
 *
 * - It compares the certificate's whole content with what it last saw: the kubelet swaps a Secret
 *   volume's files at once through the `..data` symlink (Kubernetes AtomicWriter, pkg/volume/util/
 *   atomic_writer.go), so tls.crt and tls.key always change together, and a read never sees half a file.
 * - The Vault server process is the one whose comm is `vault` and whose first argument is `server`: a
 *   `vault operator …` CLI run through `kubectl exec` is never signalled (SIGHUP would end it).
 * - No `$$`: Kubernetes expands `$(NAME)` and `$$` in a container's command (Kubernetes API,
 *   Container.command); `$(...)` here never names an environment variable, so it is left as is.
 * - The paths and interval are variables with the production values as defaults, so the tests run
 *   the same script against a temporary directory.
 */
export const TLS_RELOAD_SCRIPT = `# Sends the Vault server a SIGHUP when its TLS certificate changes (cert-manager renewal).
cert="\${VAULT_RELOAD_CERT:-${VAULT_TLS_DIR}/tls.crt}"
proc="\${VAULT_RELOAD_PROC:-/proc}"
interval="\${VAULT_RELOAD_INTERVAL:-${TLS_RELOAD_INTERVAL_SECONDS}}"
content() {
  [ -r "$cert" ] && cat "$cert"
}
server_pids() {
  for dir in "$proc"/[0-9]*; do
    [ "$(cat "$dir/comm" 2>/dev/null)" = vault ] || continue
    [ "$(tr '\\000' '\\n' < "$dir/cmdline" 2>/dev/null | sed -n 2p)" = server ] || continue
    echo "\${dir##*/}"
  done
}
last="$(content)"
echo "tls-reload: watching $cert every \${interval}s"
while :; do
  sleep "$interval"
  now="$(content)"
  if [ -z "$now" ] || [ "$now" = "$last" ]; then continue; fi
  last="$now"
  pids="$(server_pids)"
  if [ -z "$pids" ]; then
    echo "tls-reload: $cert changed; no vault server process (it reads the new certificate when it starts)"
    continue
  fi
  for pid in $pids; do
    kill -HUP "$pid" && echo "tls-reload: $cert changed; sent SIGHUP to the vault server (pid $pid)"
  done
done
`;

/** The container security context of the sidecar: Pod Security "restricted", Vault's uid and gid. */
export const TLS_RELOAD_SECURITY_CONTEXT = {
  runAsNonRoot: true,
  // The server's uid (values.ts podSecurity): kill(2) lets a process without CAP_KILL signal its own uid only.
  runAsUser: 100,
  runAsGroup: 1000,
  allowPrivilegeEscalation: false,
  privileged: false,
  capabilities: { drop: ["ALL"] },
  readOnlyRootFilesystem: true,
  seccompProfile: { type: "RuntimeDefault" },
} as const;

/** The sidecar (chart `server.extraContainers`): the pinned server image, the TLS Secret read-only. */
export function tlsReloadContainer(): Record<string, unknown> {
  return {
    name: TLS_RELOAD_CONTAINER,
    image: `${VAULT_SERVER_IMAGE.repository}:${VAULT_SERVER_IMAGE.tag}`,
    imagePullPolicy: "IfNotPresent",
    command: ["/bin/sh", "-c", TLS_RELOAD_SCRIPT],
    securityContext: { ...TLS_RELOAD_SECURITY_CONTEXT, capabilities: { drop: ["ALL"] } },
    resources: resources("5m", "16Mi", "32Mi"),
    // The volume values.ts mounts into the server container (the same Secret, the same path).
    volumeMounts: [{ name: "tls", mountPath: VAULT_TLS_DIR, readOnly: true }],
  };
}

/**
 * The `cluster` schema of the `existing` target (kind, minikube, any kubeconfig): what the adopted
 * cluster provides is declared here, because the program cannot create it.
 */
import { z } from "zod";
import { dnsLabel, kubernetesVersion } from "./validation";
import { DEFAULT_KUBERNETES_VERSION } from "./cluster/common";

/** Node ports of the ingress controller when the cluster has no LoadBalancer implementation. */
export const DEFAULT_INGRESS_NODE_PORTS = { http: 30080, https: 30443 } as const;

/** Where clients reach those node ports: kind maps them to localhost (examples/kind-cluster.yaml). */
export const DEFAULT_INGRESS_ADDRESS = "127.0.0.1";

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The API server's default --service-node-port-range is 30000-32767 (Kubernetes "Service", type NodePort). */
const nodePort = z
  .number()
  .int("must be a whole number")
  .min(30000, "must be a node port in the default range 30000-32767")
  .max(32767, "must be a node port in the default range 30000-32767");

export function existingClusterSchema(defaultClusterName: string) {
  return z
    .strictObject({
      target: z.literal("existing"),
      clusterName: dnsLabel(63).default(defaultClusterName),
      // The adopted cluster's minor (`kubectl version`): Pod Security versions are pinned to it.
      kubernetesVersion: kubernetesVersion.default(DEFAULT_KUBERNETES_VERSION),
      kubeconfigPath: z.string().min(1).optional(),
      context: z.string().min(1).optional(),
      defaultStorageClass: dnsLabel(253).default("standard"),
      loadBalancerAddressKind: z.enum(["ip", "hostname"]).default("ip"),
      loadBalancer: z.enum(["available", "none"]).default("available"),
      ingressNodePorts: z
        .strictObject({
          http: nodePort.default(DEFAULT_INGRESS_NODE_PORTS.http),
          https: nodePort.default(DEFAULT_INGRESS_NODE_PORTS.https),
        })
        .prefault({}),
      ingressAddress: z
        .string()
        .refine(
          (v) => IPV4.test(v) || DNS_NAME.test(v),
          'must be an IPv4 address or a lowercase DNS name, like "127.0.0.1"',
        )
        .default(DEFAULT_INGRESS_ADDRESS),
      hasMetricsApi: z.boolean().default(false),
      kubeletServingCerts: z.enum(["trusted", "selfSigned"]).default("trusted"),
    })
    .superRefine(
      (c, ctx) => {
        const ports = c.ingressNodePorts as { http?: unknown; https?: unknown } | undefined;
        if (typeof ports?.http === "number" && ports.http === ports.https) {
          ctx.addIssue({
            code: "custom",
            path: ["ingressNodePorts", "https"],
            message: `must differ from ingressNodePorts.http (${ports.http}): one Service cannot use a node port twice`,
          });
        }
      },
      { when: () => true },
    );
}

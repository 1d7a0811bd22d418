/**
 * The ingress controller's Service in stack config. The Service is the platform's own Pulumi
 * resource (components/addons/ingress-service.ts), not the chart's, so that a destroy waits until
 * the cloud has deleted its load balancer: the chart's Service values (traefik `service`, F5 NGINX
 * `controller.service`) no longer reach it, and turning the chart's Service back on would create a
 * second Service of the same name. They are refused here, one message each; the Service's own key
 * is `addons.ingress.serviceAnnotations`, merged after the annotations the target sets
 * (components/cluster/capabilities.ts LOAD_BALANCER_SERVICE_ANNOTATIONS, and the ones it sets from
 * stack config, CONFIGURED_SERVICE_ANNOTATIONS: EKS's scheme from cluster.loadBalancerScheme), none
 * of whose keys, nor the ones the platform sets, it may hold.
 */
import { z } from "zod";
import { EXTERNAL_DNS_HOSTNAME_ANNOTATION } from "../components/kube/conventions";
import {
  CONFIGURED_SERVICE_ANNOTATIONS,
  LOAD_BALANCER_SERVICE_ANNOTATIONS,
} from "../components/cluster/capabilities";
import {
  ANNOTATIONS_MAX_BYTES,
  ANNOTATION_KEY_FORMAT,
  annotationKeyProblem,
  annotationsBytes,
} from "../components/shared/annotations";
import { Problem } from "../components/shared/problems";

/**
 * An annotation value: a string. A boolean or an integer is taken as its text, as Kubernetes needs
 * it: YAML reads an unquoted `true` as a boolean, and `pulumi config set --path` stores `true` and
 * `60` typed (the CLI's config object typing; `--type string` keeps them text).
 */
const annotationValue = z.preprocess(
  (v) => (typeof v === "boolean" || Number.isInteger(v) ? String(v) : v),
  z.string(),
);

/** `addons.ingress.serviceAnnotations`: annotation keys the API server accepts, string values. */
export const serviceAnnotationsSchema = z
  .record(
    z.string().superRefine((key, ctx) => {
      const problem = annotationKeyProblem(key);
      if (problem)
        ctx.addIssue({
          code: "custom",
          message: `must be an annotation key (${problem}): ${ANNOTATION_KEY_FORMAT}`,
        });
    }),
    annotationValue,
  )
  .superRefine((annotations, ctx) => {
    const bytes = annotationsBytes(annotations);
    if (bytes > ANNOTATIONS_MAX_BYTES) {
      ctx.addIssue({
        code: "custom",
        message: `holds ${bytes} bytes of keys and values; the API server takes at most ${ANNOTATIONS_MAX_BYTES} for all of a Service's annotations`,
      });
    }
  })
  .default({});

/** Why the chart's Service values are refused, and what to use instead. */
const OWNED_SERVICE =
  "the ingress Service is the platform's own (a Pulumi resource, so that a destroy waits until the cloud " +
  "has deleted its load balancer), and a chart Service would be a second one of the same name; use " +
  "addons.ingress.serviceAnnotations for its annotations (e.g. an internal load balancer); its type " +
  "follows cluster.loadBalancer";

/** The values key of each controller's chart Service. */
const CHART_SERVICE_KEY: Record<string, string[]> = {
  traefik: ["service"],
  nginx: ["controller", "service"],
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const hasOwn = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);

/** What the ingress checks read of raw `addons.ingress`. */
export interface IngressView {
  controller?: unknown;
  values?: unknown;
  serviceAnnotations?: unknown;
}

/** Problems of raw `addons.ingress.values` (paths relative to `addons.ingress`): the chart's Service. */
export function ingressValuesProblems(ingress: IngressView | undefined): Problem[] {
  const key = CHART_SERVICE_KEY[String(ingress?.controller ?? "traefik")];
  if (!key) return [];
  let at: unknown = ingress?.values;
  for (const k of key) at = isObject(at) && hasOwn(at, k) ? at[k] : undefined;
  if (at === undefined) return [];
  return [
    {
      path: ["values", ...key],
      message: `is the ${String(ingress?.controller ?? "traefik")} chart's Service, which the platform turns off: ${OWNED_SERVICE}`,
    },
  ];
}

/**
 * Problems of raw `addons.ingress.serviceAnnotations` on `target` (paths relative to
 * `addons.ingress`): the keys the target's cluster sets on LoadBalancer Services, and the one the
 * platform sets for the ingress's own record.
 */
export function ingressAnnotationProblems(target: unknown, ingress: IngressView | undefined): Problem[] {
  const annotations = ingress?.serviceAnnotations;
  if (!isObject(annotations)) return [];
  const ofTarget = (table: Readonly<Record<string, Readonly<Record<string, string>>>>) =>
    typeof target === "string" && hasOwn(table, target) ? table[target] : {};
  const own = ofTarget(LOAD_BALANCER_SERVICE_ANNOTATIONS);
  const configured = ofTarget(CONFIGURED_SERVICE_ANNOTATIONS);
  const problems: Problem[] = [];
  for (const key of Object.keys(annotations)) {
    const at = ["serviceAnnotations", key];
    if (hasOwn(own, key)) {
      problems.push({
        path: at,
        message: `is set by the platform on cluster.target ${String(target)} (to "${own[key]}": the load balancer the ingress is reached by); remove it`,
      });
    } else if (hasOwn(configured, key)) {
      problems.push({
        path: at,
        message: `is set by the platform on cluster.target ${String(target)} from ${configured[key]} (the load balancer the ingress is reached by); remove it and set ${configured[key]}`,
      });
    } else if (key === EXTERNAL_DNS_HOSTNAME_ANNOTATION) {
      problems.push({
        path: at,
        message:
          "is set by the platform from addons.dns.ingressHostname (external-dns's record of the ingress); set that instead",
      });
    }
  }
  return problems;
}

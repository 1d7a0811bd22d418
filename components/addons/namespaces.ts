/** Every namespace the add-ons own (apps may not use them). */
import { CERT_MANAGER_NAMESPACE } from "./cert-manager";
import { CLUSTER_AUTOSCALER_SERVICE_ACCOUNT } from "./cluster-autoscaler";
import { EXTERNAL_DNS_NAMESPACE } from "./dns/values";
import { INGRESS_NAMESPACE } from "./ingress";
import { METRICS_SERVER_NAMESPACE } from "./metrics-server";
import { MONITORING_NAMESPACE, NODE_EXPORTER_NAMESPACE } from "./monitoring";
import { VAULT_NAMESPACE, VAULT_SETUP_NAMESPACE } from "./vault";

export const ADDON_NAMESPACES: readonly string[] = [
  INGRESS_NAMESPACE,
  CERT_MANAGER_NAMESPACE,
  VAULT_NAMESPACE,
  VAULT_SETUP_NAMESPACE,
  MONITORING_NAMESPACE,
  NODE_EXPORTER_NAMESPACE,
  METRICS_SERVER_NAMESPACE,
  CLUSTER_AUTOSCALER_SERVICE_ACCOUNT.namespace,
  EXTERNAL_DNS_NAMESPACE,
];

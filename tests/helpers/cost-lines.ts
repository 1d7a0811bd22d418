/**
 * Hand-built estimate lines the cost tests share (diff, text, CLI): AWS eu-west-1 figures, each
 * amount computed by hand at 730 hours a month.
 */
import type { CostLine } from "../../preflight/cost/types";

export const EKS = "EksCluster kp-cluster";
export const VAULT = "Vault kp-addons-vault";

/** 730 h × $0.10 = $73.00. */
export const CONTROL_PLANE: CostLine = {
  component: EKS,
  resource: "control plane (standard support)",
  item: "controlPlane:standard",
  quantity: { min: 730, max: 730 },
  unit: "hour",
  unitPrice: 0.1,
  monthly: { min: 73, max: 73 },
  source: "https://aws.amazon.com/eks/pricing/",
};

/** 3-12 nodes × 730 h = 2190–8760 h at $0.214/h = $468.66–$1,874.64. */
export const POOL_GENERAL: CostLine = {
  component: EKS,
  resource: "node pool general: 3-12 × m6i.xlarge",
  item: "instance:m6i.xlarge",
  quantity: { min: 2190, max: 8760 },
  unit: "hour",
  unitPrice: 0.214,
  monthly: { min: 468.66, max: 1874.64 },
  source: "https://aws.amazon.com/ec2/pricing/on-demand/",
};

/** One NAT gateway: 730 h × $0.048 = $35.04. */
export const natLine = (name: string): CostLine => ({
  component: EKS,
  resource: `NAT gateway ${name}`,
  item: "natGateway",
  quantity: { min: 730, max: 730 },
  unit: "hour",
  unitPrice: 0.048,
  monthly: { min: 35.04, max: 35.04 },
  source: "https://aws.amazon.com/vpc/pricing/",
});

/** 100 GiB × $0.048 = $4.80. */
export const NAT_DATA: CostLine = {
  component: EKS,
  resource: "NAT gateway data processed",
  item: "natGateway:data",
  quantity: { min: 100, max: 100 },
  unit: "GiB",
  unitPrice: 0.048,
  monthly: { min: 4.8, max: 4.8 },
  source: "https://aws.amazon.com/vpc/pricing/",
  assumption: "100 GiB/month processed (cost.natDataGiB)",
};

/** 3 × 10 GiB × $0.088 = $2.64. */
export const VAULT_DATA: CostLine = {
  component: VAULT,
  resource: "Vault data volume × 3",
  item: "disk:gp3",
  quantity: { min: 30, max: 30 },
  unit: "GiB-month",
  unitPrice: 0.088,
  monthly: { min: 2.64, max: 2.64 },
  source: "https://aws.amazon.com/ebs/pricing/",
};

/** Vault's key: 10,000 operations (cost.kmsKeyOperations default) / 10,000 = 1 unit × $0.03 = $0.03. */
export const KMS_OPERATIONS: CostLine = {
  component: VAULT,
  resource: "operations of customer-managed key",
  item: "kmsKey:operations",
  quantity: { min: 1, max: 1 },
  unit: "10k-operations",
  unitPrice: 0.03,
  monthly: { min: 0.03, max: 0.03 },
  source: "https://aws.amazon.com/kms/pricing/",
  assumption: "10,000 operations/month per key (cost.kmsKeyOperations)",
};

/**
 * EC2 instance type names and what their family says about the hardware (pure, no Pulumi): the
 * node groups' AMI type (eks/nodes.ts) and the architecture of a Karpenter NodePool
 * (eks/karpenter/rules.ts) come from here.
 */

/** An instance type: family, ".", size ("m7i.large", "m7i-flex.xlarge", "u-6tb1.metal"). */
export const INSTANCE_TYPE = /^[a-z][a-z0-9-]*[a-z0-9]\.[a-z0-9]+$/;
/** An instance family: the part of a type before the "." ("m7i", "c7gn", "m7i-flex"). */
export const INSTANCE_FAMILY = /^[a-z][a-z0-9-]*[a-z0-9]$/;

/** The family of an instance type ("m7g.large" → "m7g"); a family stays itself. */
export function instanceFamily(typeOrFamily: string): string {
  return typeOrFamily.toLowerCase().split(".")[0];
}

/**
 * Graviton (arm64) families carry a "g" right after the generation digit (m7g, c7gn, r8gd, t4g,
 * x2gd, im4gn, is4gen, g5g); a1 is the first Graviton generation.
 */
export function isArmFamily(family: string): boolean {
  return family === "a1" || /^[a-z]+\d+g[a-z]*$/.test(family);
}

/** NVIDIA GPU families (p, g, gr). */
export function isNvidiaFamily(family: string): boolean {
  return /^(p\d+|g\d+|gr\d+)[a-z]*$/.test(family);
}

/** AWS Inferentia and Trainium families (Neuron). */
export function isNeuronFamily(family: string): boolean {
  return /^(inf|trn)\d+[a-z]*$/.test(family);
}

/** The CPU architecture of an instance type or family (kubernetes.io/arch). */
export function instanceArchitecture(typeOrFamily: string): "amd64" | "arm64" {
  return isArmFamily(instanceFamily(typeOrFamily)) ? "arm64" : "amd64";
}

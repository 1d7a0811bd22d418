/**
 * Kubernetes annotation keys and sizes, as the API server validates them (k8s.io/apimachinery
 * pkg/api/validation/objectmeta.go ValidateAnnotations: each key, lowercased, must be a qualified
 * name, pkg/util/validation/validation.go IsQualifiedName: an optional DNS-1123-subdomain prefix
 * of at most 253 characters and "/", then a name of at most 63 alphanumerics, '-', '_', '.' that
 * starts and ends with an alphanumeric; and all keys and values together at most
 * TotalAnnotationSizeLimitB, 256 KiB). No Pulumi import.
 */

/** The API server's limit on the size of all of an object's annotations (keys and values, bytes). */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const NAME_MAX = 63;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SUBDOMAIN_MAX = 253;

/** The shape an annotation key has, for messages. */
export const ANNOTATION_KEY_FORMAT =
  'an optional DNS-subdomain prefix and "/", then a name of at most 63 letters, digits, "-", "_" or "." ' +
  "starting and ending with a letter or digit (e.g. service.beta.kubernetes.io/aws-load-balancer-internal)";

/** Why `key` is not an annotation key the API server accepts; undefined when it is one. */
export function annotationKeyProblem(key: string): string | undefined {
  // The API server checks the key lowercased: a prefix may have capitals.
  const parts = key.split("/");
  if (parts.length > 2) return 'it has more than one "/"';
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix === "") return 'its prefix before "/" is empty';
    if (prefix.length > SUBDOMAIN_MAX || !SUBDOMAIN.test(prefix.toLowerCase()))
      return `its prefix "${prefix}" is not a DNS subdomain (letters, digits, "-" and ".", at most ${SUBDOMAIN_MAX})`;
  }
  if (name === "") return "its name is empty";
  if (name.length > NAME_MAX) return `its name is longer than ${NAME_MAX} characters`;
  if (!NAME.test(name))
    return `its name "${name}" is not letters, digits, "-", "_" and "." starting and ending with a letter or digit`;
  return undefined;
}

/** The bytes the API server counts for a set of annotations (UTF-8 keys and values). */
export function annotationsBytes(annotations: Readonly<Record<string, string>>): number {
  return Object.entries(annotations).reduce(
    (n, [k, v]) => n + Buffer.byteLength(k, "utf8") + Buffer.byteLength(v, "utf8"),
    0,
  );
}

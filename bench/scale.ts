/** The scaled prod stack of the evaluation benchmark: the hello app cloned n times. */

/** Apps per shared namespace in the scaled stacks. */
export const APPS_PER_NAMESPACE = 10;

/**
 * `config` with its apps replaced by `n` copies of its first app, each with a distinct name and
 * host, `APPS_PER_NAMESPACE` apps sharing a namespace.
 */
export function scaledConfig(config: Record<string, unknown>, n: number): Record<string, unknown> {
  const apps = config.apps as Record<string, unknown>[] | undefined;
  if (!apps?.length) throw new Error("the stack has no app to clone");
  const [template] = apps;
  const domain =
    typeof template.host === "string" ? template.host.split(".").slice(1).join(".") : "example.com";
  return {
    ...config,
    apps: Array.from({ length: n }, (_, i) => {
      const name = `${String(template.name)}-${String(i).padStart(3, "0")}`;
      return {
        ...template,
        name,
        namespace: `apps-${String(Math.floor(i / APPS_PER_NAMESPACE)).padStart(2, "0")}`,
        host: `${name}.${domain}`,
      };
    }),
  };
}

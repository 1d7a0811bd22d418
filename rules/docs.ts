/**
 * docs/security-rules.md, generated from the rule table: every rule with its id, severity, profiles,
 * what it checks, the resource types it reads and the scanners' ids, by area and by the clouds of
 * the resources it reads. `npm run docs:rules` writes the file; tests/docs-rules.test.ts fails when
 * the committed file differs from what the rules generate. The text is prettier-stable.
 */
import { EXIT } from "../automation/exit-codes";
import type { Rule, RuleArea } from "./types";

/** Where the generated page lives, relative to the repository root. */
export const SECURITY_RULES_DOC = "docs/security-rules.md";

/** The command that regenerates the page. */
export const DOCS_RULES_COMMAND = "npm run docs:rules";

interface AreaText {
  title: string;
  intro: string[];
}

const AREAS: Record<RuleArea | "other", AreaText> = {
  cluster: {
    title: "Cluster rules",
    intro: [
      "Security rules over the cloud resources of the managed cluster (control plane, node pools, their",
      "launch templates and identities), read as their Pulumi providers register them (the camelCase inputs",
      "of `@pulumi/aws`, `@pulumi/gcp`, `@pulumi/azure-native` and `@pulumi/digitalocean`). Where the",
      "cloud's default is the secure value and the scanners accept an absent setting (GKE legacy ABAC off,",
      "node auto-repair on, no node public IPs), an absent input passes; every other requirement needs the",
      "secure value set explicitly.",
    ],
  },
  workload: {
    title: "Workload rules",
    intro: [
      'Security rules over the Kubernetes workloads the program registers: the Pod Security Standards "restricted"',
      "profile plus the scanners' workload checks, read from each workload's pod template (Pod: `spec`;",
      "CronJob: `spec.jobTemplate.spec.template.spec`; every other kind: `spec.template.spec`). The objects",
      "a Helm release installs are not registered resources, so these rules do not see inside releases.",
    ],
  },
  deployability: {
    title: "Deployability rules",
    intro: [
      "Whether the first `pulumi up` of a stack can finish from the deploying machine, and whether a routine",
      "change survives. Each rule names, in parentheses, the provider document or source that states the",
      "constraint; its messages name the config key to change and the fix. What the resources cannot show",
      "about an adopted cluster (a LoadBalancer implementation, a metrics API, trusted kubelet certificates)",
      "comes from the stack config, so the preflight checks it and the policy pack skips it.",
    ],
  },
  other: { title: "Other rules", intro: [] },
};

const AREA_ORDER: (RuleArea | "other")[] = ["cluster", "workload", "deployability", "other"];

/** The clouds, in the order the page lists them, by the Pulumi package of their resources. */
const CLOUDS: [pkg: string, name: string][] = [
  ["aws", "EKS"],
  ["gcp", "GKE"],
  ["azure-native", "AKS"],
  ["digitalocean", "DOKS"],
];

/** The Pulumi package of a type token (`aws:eks/cluster:Cluster` → aws; `pulumi:providers:gcp` → gcp). */
function packageOf(token: string): string {
  const parts = token.split(":");
  return parts[0] === "pulumi" && parts[1] === "providers" ? (parts[2] ?? "") : parts[0];
}

/** The clouds whose resources a rule reads, in CLOUDS order (none: Kubernetes objects only). */
export function cloudsOf(rule: Rule): string[] {
  const packages = new Set((rule.resourceTypes ?? []).map(packageOf));
  return CLOUDS.filter(([pkg]) => packages.has(pkg)).map(([, name]) => name);
}

/** The heading of a group of rules reading the same clouds. */
function groupTitle(clouds: string[]): string {
  if (clouds.length === 0) return "Any cluster";
  if (clouds.length === CLOUDS.length) return "Every cloud";
  if (clouds.length === 1) return clouds[0];
  return `${clouds.slice(0, -1).join(", ")} and ${clouds[clouds.length - 1]}`;
}

/** Groups in page order: one cloud each (CLOUDS order), then several clouds, then Kubernetes only. */
function groupsOf(rules: readonly Rule[]): { title: string; rules: Rule[] }[] {
  const rank = (clouds: string[]) =>
    clouds.length === 1 ? CLOUDS.findIndex(([, n]) => n === clouds[0]) : clouds.length === 0 ? 99 : 50;
  const groups = new Map<string, { title: string; rank: number; first: number; rules: Rule[] }>();
  rules.forEach((rule, i) => {
    const clouds = cloudsOf(rule);
    const title = groupTitle(clouds);
    const group = groups.get(title) ?? { title, rank: rank(clouds), first: i, rules: [] };
    group.rules.push(rule);
    groups.set(title, group);
  });
  return [...groups.values()].sort((a, b) => a.rank - b.rank || a.first - b.first);
}

const code = (text: string) => `\`${text}\``;

/** A GitHub heading anchor: lower case, punctuation dropped, spaces as dashes. */
function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, "")
    .replace(/ /g, "-");
}

function severityText(rule: Rule): string {
  return rule.profiles ? `${rule.severity}, in ${rule.profiles.join(" and ")} stacks only` : rule.severity;
}

function ruleSection(rule: Rule, level: string): string[] {
  const types = rule.resourceTypes ?? [];
  return [
    `${level} ${code(rule.id)}`,
    "",
    `- Severity: ${severityText(rule)}`,
    `- Checks: ${rule.description}`,
    `- Resources: ${types.length > 0 ? types.map(code).join(", ") : "not stated"}`,
    `- Scanner ids: ${rule.scannerIds.length > 0 ? rule.scannerIds.map(code).join(", ") : "none (a platform rule)"}`,
    "",
  ];
}

const INTRO = [
  "Every rule the platform applies to the resources a stack registers: the security rules of the cluster",
  "(per cloud) and of its workloads, and the deployability rules. The same rules run in two places:",
  "",
  "- **Preflight** (`npm run preflight -- --stack <name>`): offline, with no cloud credentials, over the",
  `  resources the program registers under mocks. A mandatory violation fails it (exit code ${EXIT.policy}, Pulumi's`,
  `  code for a policy violation; an invalid stack config: ${EXIT.usage}); advisory ones are shown.`,
  "- **Policy pack** (`policy/`, Pulumi CrossGuard): one policy per rule, named by the rule id, for real",
  "  runs: `pulumi preview --policy-pack policy` applies the prod rules; dev stacks add",
  "  `--policy-pack-config policy/dev.json`.",
  "",
  "How to read an entry:",
  "",
  "- **Severity**: mandatory rules block, advisory rules report. A rule marked for prod stacks only does",
  "  not apply to dev stacks (`kube-platform:profile` in the stack config).",
  "- **Resources**: the Pulumi type tokens the rule reads (azure-native tokens match any API version;",
  "  `gcp:*` stands for every Google Cloud resource). The rules are grouped by the clouds of these",
  "  resources.",
  "- **Scanner ids**: the Checkov (`CKV_*`) and Trivy / tfsec (`AVD-*`) checks the rule stands for, and",
  "  `PSS:baseline` / `PSS:restricted` for the Pod Security Standards controls it enforces.",
  "",
  "A stack waives a rule in its config, `kube-platform:waivers`, with one `{ rule, reason }` entry per",
  "rule (the preflight shows what each waiver removes); a policy pack config waives it with",
  '`"<rule-id>": "disabled"`.',
];

/** The page: an introduction, a map of the areas, then every area's rules grouped by cloud. */
export function securityRulesMarkdown(rules: readonly Rule[]): string {
  const byArea = AREA_ORDER.map((area) => ({
    area,
    rules: rules.filter((r) => (r.area ?? "other") === area),
  })).filter((a) => a.rules.length > 0);
  const lines = [
    "# Security and deployability rules",
    "",
    `<!-- Generated by \`${DOCS_RULES_COMMAND}\` from the rule table (rules/index.ts): edit the rules, then regenerate. -->`,
    "",
    ...INTRO,
    "",
    ...byArea.map(({ area, rules: own }) => {
      const counts = groupsOf(own).map((g) => `${g.title} ${g.rules.length}`);
      const title = AREAS[area].title;
      return `- [${title}](#${anchor(title)}): ${own.length} rules (${counts.join(", ")})`;
    }),
    "",
  ];
  for (const { area, rules: own } of byArea) {
    const text = AREAS[area];
    lines.push(`## ${text.title}`, "");
    if (text.intro.length > 0) lines.push(...text.intro, "");
    const groups = groupsOf(own);
    const level = groups.length > 1 ? "####" : "###";
    for (const group of groups) {
      if (groups.length > 1) lines.push(`### ${group.title}`, "");
      for (const rule of group.rules) lines.push(...ruleSection(rule, level));
    }
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

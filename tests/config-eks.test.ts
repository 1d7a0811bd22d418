/**
 * EKS stack config: the deployer's path to the API server, principal ARNs, the support type, and the
 * example stacks' EKS settings.
 */
import * as assert from "assert";
import { PROFILE_DEFAULTS, PlatformConfig, parseConfig } from "../stacks/config";
import { EksSettings } from "../components/cluster/types";
import { validateEksSettings } from "../components/cluster/eks";
import { loadStackConfig } from "../offline/stacks";
import { problemsOf as problemsIn } from "./helpers/config-problems";
import { VAULT_INIT, exampleForParse } from "./helpers/vault-fixtures";

const ctx = { project: "kube-platform", stack: "eks" };
// ha mode (prod's default) needs Vault's key holders.
const PROD = {
  profile: "prod",
  addons: { certManager: { email: "platform@kube-platform.dev" }, vault: { init: VAULT_INIT } },
};
const EKS = { target: "eks", region: "eu-west-1" };
const OFFICE = ["198.18.0.0/24"];
const RUNNER = { cidrs: ["10.100.0.0/16"] };
const TGW = "tgw-0123456789abcdef0";

const problemsOf = (raw: Record<string, unknown>, c = ctx): string[] => problemsIn(raw, c);

function eksOf(cfg: PlatformConfig): EksSettings {
  assert.ok(cfg.cluster.target === "eks");
  return cfg.cluster;
}

/** Why a private endpoint has no path on the first deploy, and the fixes. */
const NO_PATH =
  "is required when endpointPublicAccess is false: this program creates the VPC, so on the first `pulumi up` nothing is inside it and only a transit gateway connects the deployer to it (security group or CIDR rules alone are no path); set deployerNetwork.transitGatewayId (a transit gateway that reaches the deployer's network and auto-accepts VPC attachments) with deployerNetwork.cidrs (the deployer's CIDRs behind it), or set endpointPublicAccess: true with publicAccessCidrs (the deployer's egress CIDRs); a cluster created public can switch to private once a runner inside or connected to the VPC exists, with the same transit gateway declaration (securityGroupIds of a runner inside the VPC only add to it)";
const DEPLOYER_REQUIRED = `cluster.deployerNetwork: ${NO_PATH}`;
const TGW_REQUIRED = `cluster.deployerNetwork.transitGatewayId: ${NO_PATH}`;
const CIDRS_REQUIRED =
  "cluster.deployerNetwork.cidrs: must list the deployer network's CIDRs: the private subnets route each one to the transit gateway and the cluster security group allows tcp 443 from it";

describe("EKS config: the deployer's path to the API server", () => {
  it("prod defaults to a public endpoint limited to publicAccessCidrs", () => {
    assert.strictEqual(PROFILE_DEFAULTS.prod.endpointPublicAccess, true);
    const eks = eksOf(parseConfig({ ...PROD, cluster: { ...EKS, publicAccessCidrs: OFFICE } }, ctx));
    assert.strictEqual(eks.endpointPublicAccess, true);
    assert.deepStrictEqual(eks.publicAccessCidrs, OFFICE);
    assert.strictEqual(eks.deployerNetwork, undefined);
  });

  for (const [profile, base] of [
    ["dev", {}],
    ["prod", PROD],
  ] as const) {
    it(`${profile}: the public endpoint still needs its CIDRs`, () => {
      assert.deepStrictEqual(problemsOf({ ...base, cluster: EKS }), [
        "cluster.publicAccessCidrs: must list at least one CIDR when endpointPublicAccess is true (EKS would open the endpoint to 0.0.0.0/0)",
      ]);
    });

    it(`${profile}: a private endpoint without deployerNetwork is one error naming the key and both fixes`, () => {
      assert.deepStrictEqual(problemsOf({ ...base, cluster: { ...EKS, endpointPublicAccess: false } }), [
        DEPLOYER_REQUIRED,
      ]);
    });
  }

  it("prod still refuses 0.0.0.0/0 on the public endpoint", () => {
    const problems = problemsOf({ ...PROD, cluster: { ...EKS, publicAccessCidrs: ["0.0.0.0/0"] } });
    assert.deepStrictEqual(problems, [
      'cluster.publicAccessCidrs[0]: got "0.0.0.0/0"; the public endpoint must not be open to the whole internet in prod; list your office/VPN/CI CIDRs',
    ]);
  });

  it("a private endpoint with a transit gateway and its CIDRs is accepted (security groups may add to it)", () => {
    const network = {
      cidrs: ["10.100.0.0/16"],
      securityGroupIds: ["sg-0123456789abcdef0"],
      transitGatewayId: TGW,
    };
    const eks = eksOf(
      parseConfig(
        { ...PROD, cluster: { ...EKS, endpointPublicAccess: false, deployerNetwork: network } },
        ctx,
      ),
    );
    assert.deepStrictEqual(eks.deployerNetwork, network);
    assert.doesNotThrow(() => validateEksSettings(eks));
    const tgwOnly = eksOf(
      parseConfig(
        {
          cluster: {
            ...EKS,
            endpointPublicAccess: false,
            deployerNetwork: { ...RUNNER, transitGatewayId: TGW },
          },
        },
        ctx,
      ),
    );
    assert.deepStrictEqual(tgwOnly.deployerNetwork, {
      cidrs: ["10.100.0.0/16"],
      securityGroupIds: [],
      transitGatewayId: TGW,
    });
  });

  // The program creates the VPC: on the first deploy no runner is inside it, and nothing but the
  // transit gateway attachment connects another network to it.
  for (const [what, network] of [
    ["security groups", { securityGroupIds: ["sg-0123456789abcdef0"] }],
    ["CIDRs", RUNNER],
    ["CIDRs and security groups", { ...RUNNER, securityGroupIds: ["sg-0123456789abcdef0"] }],
  ] as const) {
    it(`${what} without a transit gateway are no path on the first deploy: one error naming the key and the fixes`, () => {
      const problems = problemsOf({
        cluster: { ...EKS, endpointPublicAccess: false, deployerNetwork: network },
      });
      assert.deepStrictEqual(problems, "cidrs" in network ? [TGW_REQUIRED] : [TGW_REQUIRED, CIDRS_REQUIRED]);
    });
  }

  const cases: [string, Record<string, unknown>, string[]][] = [
    [
      "deployerNetwork with a public endpoint (unused)",
      { ...EKS, publicAccessCidrs: OFFICE, deployerNetwork: RUNNER },
      [
        'cluster.deployerNetwork: got {"cidrs":["10.100.0.0/16"]}; is only used with a private endpoint (endpointPublicAccess: false); remove it, or set endpointPublicAccess: false',
      ],
    ],
    [
      "an empty deployer network",
      { ...EKS, endpointPublicAccess: false, deployerNetwork: {} },
      [TGW_REQUIRED, CIDRS_REQUIRED],
    ],
    [
      "a transit gateway without CIDRs to route",
      {
        ...EKS,
        endpointPublicAccess: false,
        deployerNetwork: {
          securityGroupIds: ["sg-0123456789abcdef0"],
          transitGatewayId: "tgw-0123456789abcdef0",
        },
      },
      [CIDRS_REQUIRED],
    ],
    [
      "a transit-gateway CIDR inside the VPC",
      {
        ...EKS,
        endpointPublicAccess: false,
        deployerNetwork: { cidrs: ["10.0.8.0/24"], transitGatewayId: "tgw-0123456789abcdef0" },
      },
      [
        'cluster.deployerNetwork.cidrs[0]: got "10.0.8.0/24"; overlaps vpcCidr (10.0.0.0/16): traffic to it stays in the VPC, a route to the transit gateway cannot carry it',
      ],
    ],
    [
      "a CIDR listed twice",
      {
        ...EKS,
        endpointPublicAccess: false,
        deployerNetwork: { cidrs: ["10.100.0.0/16", "10.100.0.0/16"], transitGatewayId: TGW },
      },
      ['cluster.deployerNetwork.cidrs[1]: got "10.100.0.0/16"; is listed twice'],
    ],
    [
      "malformed IDs",
      {
        ...EKS,
        endpointPublicAccess: false,
        deployerNetwork: {
          cidrs: ["10.100.0.0/16"],
          securityGroupIds: ["runners"],
          transitGatewayId: "tgw-x",
        },
      },
      [
        'cluster.deployerNetwork.securityGroupIds[0]: got "runners"; must be a security group ID like "sg-0123456789abcdef0"',
        'cluster.deployerNetwork.transitGatewayId: got "tgw-x"; must be a transit gateway ID like "tgw-0123456789abcdef0"',
      ],
    ],
    [
      "an unknown key in deployerNetwork",
      {
        ...EKS,
        endpointPublicAccess: false,
        deployerNetwork: { cidrs: ["10.100.0.0/16"], transitGatewayId: TGW, vpnId: "x" },
      },
      [
        "cluster.deployerNetwork.vpnId: unknown key; allowed keys here: cidrs, securityGroupIds, transitGatewayId",
      ],
    ],
  ];
  for (const [what, cluster, expected] of cases) {
    it(`rejects ${what}`, () => assert.deepStrictEqual(problemsOf({ cluster }), expected));
  }

  it("prod refuses a deployer network open to the whole internet", () => {
    const problems = problemsOf({
      ...PROD,
      cluster: {
        ...EKS,
        endpointPublicAccess: false,
        deployerNetwork: { cidrs: ["0.0.0.0/0"], transitGatewayId: TGW },
      },
    });
    assert.deepStrictEqual(problems, [
      'cluster.deployerNetwork.cidrs[0]: got "0.0.0.0/0"; overlaps vpcCidr (10.0.0.0/16): traffic to it stays in the VPC, a route to the transit gateway cannot carry it',
      'cluster.deployerNetwork.cidrs[0]: got "0.0.0.0/0"; the deployer network must not be open to the whole internet in prod; list your office/VPN/CI CIDRs',
    ]);
  });

  it("config and component apply the same rule (one home: components/cluster/eks/checks.ts)", () => {
    const eks = eksOf(parseConfig({ cluster: { ...EKS, publicAccessCidrs: OFFICE } }, ctx));
    assert.throws(
      () => validateEksSettings({ ...eks, endpointPublicAccess: false, publicAccessCidrs: [] }),
      new Error(DEPLOYER_REQUIRED.replace(/^cluster\./, "")),
    );
    assert.throws(
      () =>
        validateEksSettings({
          ...eks,
          endpointPublicAccess: false,
          publicAccessCidrs: [],
          deployerNetwork: { cidrs: ["10.100.0.0/16"], securityGroupIds: ["sg-0123456789abcdef0"] },
        }),
      new Error(TGW_REQUIRED.replace(/^cluster\./, "")),
    );
  });
});

describe("EKS config: principal ARNs", () => {
  const withAdmin = (arn: string) => ({
    cluster: { ...EKS, publicAccessCidrs: OFFICE, adminPrincipalArns: [arn] },
  });

  it("accepts role and user ARNs of the aws, aws-cn and aws-us-gov partitions", () => {
    for (const arn of [
      "arn:aws:iam::111122223333:role/platform-admins",
      "arn:aws:iam::111122223333:role/teams/platform/admins",
      "arn:aws:iam::111122223333:user/alice",
      "arn:aws-cn:iam::111122223333:role/platform-admins",
      "arn:aws-us-gov:iam::111122223333:role/platform-admins",
    ]) {
      assert.deepStrictEqual(problemsOf(withAdmin(arn)), [], arn);
    }
  });

  it("refuses an STS assumed-role session ARN and names the role ARN to use", () => {
    assert.deepStrictEqual(
      problemsOf(withAdmin("arn:aws:sts::111122223333:assumed-role/platform-admins/alice")),
      [
        "cluster.adminPrincipalArns[0]: got \"arn:aws:sts::111122223333:assumed-role/platform-admins/alice\"; is an STS assumed-role session ARN, which CreateAccessEntry refuses; use the role's ARN arn:aws:iam::111122223333:role/platform-admins (the form arn:aws:iam::<account>:role/<name> (partition aws, aws-cn or aws-us-gov); add the role's path if it has one)",
      ],
    );
  });

  it("refuses other partitions and malformed ARNs", () => {
    for (const arn of [
      "arn:aws-iso:iam::111122223333:role/a",
      "arn:aws:iam::1111:role/a",
      "platform-admins",
    ]) {
      const problems = problemsOf(withAdmin(arn));
      assert.strictEqual(problems.length, 1, arn);
      assert.match(
        problems[0],
        /^cluster\.adminPrincipalArns\[0\]: got ".*"; must be an IAM role or user ARN like arn:aws:iam::<account>:role\/<name>/,
      );
    }
  });

  it("kubeconfigRoleArn must be a role ARN, not a user or a session", () => {
    const withRole = (arn: string) => ({
      cluster: { ...EKS, publicAccessCidrs: OFFICE, kubeconfigRoleArn: arn },
    });
    assert.deepStrictEqual(problemsOf(withRole("arn:aws-us-gov:iam::111122223333:role/deployer")), []);
    assert.deepStrictEqual(problemsOf(withRole("arn:aws:iam::111122223333:user/alice")), [
      'cluster.kubeconfigRoleArn: got "arn:aws:iam::111122223333:user/alice"; is an IAM user ARN; `aws eks get-token --role-arn` can only assume a role: use a role ARN like arn:aws:iam::<account>:role/<name> (partition aws, aws-cn or aws-us-gov), or kubeconfigProfile for the user\'s own credentials',
    ]);
    assert.deepStrictEqual(problemsOf(withRole("arn:aws:sts::111122223333:assumed-role/deployer/ci")), [
      'cluster.kubeconfigRoleArn: got "arn:aws:sts::111122223333:assumed-role/deployer/ci"; is an STS assumed-role session ARN; `--role-arn` needs the role\'s ARN, e.g. arn:aws:iam::111122223333:role/deployer',
    ]);
  });
});

describe("EKS config: support type", () => {
  it("defaults to STANDARD in both profiles; EXTENDED on request; nothing else", () => {
    const dev = eksOf(parseConfig({ cluster: { ...EKS, publicAccessCidrs: OFFICE } }, ctx));
    const prod = eksOf(parseConfig({ ...PROD, cluster: { ...EKS, publicAccessCidrs: OFFICE } }, ctx));
    assert.strictEqual(dev.supportType, "STANDARD");
    assert.strictEqual(prod.supportType, "STANDARD");
    const extended = parseConfig(
      { cluster: { ...EKS, publicAccessCidrs: OFFICE, supportType: "EXTENDED" } },
      ctx,
    );
    assert.strictEqual(eksOf(extended).supportType, "EXTENDED");
    assert.deepStrictEqual(
      problemsOf({ cluster: { ...EKS, publicAccessCidrs: OFFICE, supportType: "extended" } }),
      ['cluster.supportType: got "extended"; allowed: "STANDARD" | "EXTENDED"'],
    );
  });
});

describe("EKS config: workload identity", () => {
  it("defaults to Pod Identity in both profiles; IRSA on request; nothing else", () => {
    const dev = eksOf(parseConfig({ cluster: { ...EKS, publicAccessCidrs: OFFICE } }, ctx));
    const prod = eksOf(parseConfig({ ...PROD, cluster: { ...EKS, publicAccessCidrs: OFFICE } }, ctx));
    assert.strictEqual(dev.workloadIdentity, "podIdentity");
    assert.strictEqual(prod.workloadIdentity, "podIdentity");
    const irsa = parseConfig(
      { cluster: { ...EKS, publicAccessCidrs: OFFICE, workloadIdentity: "irsa" } },
      ctx,
    );
    assert.strictEqual(eksOf(irsa).workloadIdentity, "irsa");
    for (const bad of ["IRSA", "pod-identity", ""])
      assert.deepStrictEqual(
        problemsOf({ cluster: { ...EKS, publicAccessCidrs: OFFICE, workloadIdentity: bad } }),
        [`cluster.workloadIdentity: got ${JSON.stringify(bad)}; allowed: "podIdentity" | "irsa"`],
      );
  });
});

describe("EKS example stacks", () => {
  it("prod: a public endpoint limited to the CIDR the user lists in place of the example's, STANDARD support", () => {
    const { raw, secretKeys } = exampleForParse(loadStackConfig("prod"));
    const eks = eksOf(parseConfig(raw, { ...ctx, stack: "prod", secretKeys }));
    assert.strictEqual(eks.endpointPublicAccess, true);
    assert.deepStrictEqual(eks.publicAccessCidrs, ["198.18.0.0/24"]);
    assert.strictEqual(eks.deployerNetwork, undefined);
    assert.strictEqual(eks.supportType, "STANDARD");
  });

  it("eks-dev: a public endpoint limited to the example CIDR (a documentation range: a warning in dev)", () => {
    const cfg = parseConfig(loadStackConfig("eks-dev"), { ...ctx, stack: "eks-dev" });
    const eks = eksOf(cfg);
    assert.strictEqual(eks.endpointPublicAccess, true);
    assert.deepStrictEqual(eks.publicAccessCidrs, ["203.0.113.0/24"]);
    assert.deepStrictEqual(cfg.warnings.length, 1);
    assert.strictEqual(eks.supportType, "STANDARD");
  });
});

/** The EksCluster's private-endpoint path, zones, zone-count and node-group upgrades, support type (Pulumi mocks). */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { EksCluster, validateEksSettings } from "../components/cluster/eks";
import { EksSettings } from "../components/cluster/types";
import { ProgramRun, RecordedResource, runResources } from "../offline/mocks";
import { prodSettings, devSettings, evaluate, obj, nodeGroups, prodWith } from "./helpers/eks-cluster";

describe("EksCluster", function () {
  let prod: ProgramRun;
  let dev: ProgramRun;

  before(async function () {
    prod = await evaluate(prodSettings, "prod");
    dev = await evaluate(devSettings, "dev");
  });

  describe("the deployer's path to the API (private endpoint)", function () {
    const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
    const TGW_ATTACHMENT = "aws:ec2transitgateway/vpcAttachment:VpcAttachment";
    const viaTgw: EksSettings = prodWith({
      deployerNetwork: {
        cidrs: ["10.100.0.0/16", "192.168.10.0/24"],
        securityGroupIds: [],
        transitGatewayId: "tgw-0123456789abcdef0",
      },
    });
    let tgw: ProgramRun;
    before(async function () {
      tgw = await evaluate(viaTgw, "prod");
    });

    it("allows tcp 443 on the cluster security group from each deployer CIDR and security group", function () {
      const rules = [...prod.ofType(INGRESS)].sort((a, b) => a.name.localeCompare(b.name));
      assert.deepStrictEqual(
        rules.map((r) => [r.name, r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort]),
        [
          ["kp-deployer-10-100-0-0-16", "tcp", 443, 443],
          ["kp-deployer-sg-0123456789abcdef0", "tcp", 443, 443],
        ],
      );
      assert.strictEqual(rules[0].inputs.cidrIpv4, "10.100.0.0/16");
      assert.strictEqual(rules[0].inputs.referencedSecurityGroupId, undefined);
      assert.strictEqual(rules[1].inputs.referencedSecurityGroupId, "sg-0123456789abcdef0");
      assert.strictEqual(rules[1].inputs.cidrIpv4, undefined);
      for (const r of rules) {
        // The security group EKS created for the control plane (vpcConfig.clusterSecurityGroupId).
        assert.match(String(r.inputs.securityGroupId), /^sg-[0-9a-f]{17}$/);
        assert.ok(prod.dependsOnTransitively(r, prod.one("aws:eks/cluster:Cluster")));
      }
      assert.strictEqual(rules[0].inputs.securityGroupId, rules[1].inputs.securityGroupId);
      assert.strictEqual(prod.one(TGW_ATTACHMENT).inputs.transitGatewayId, "tgw-0123456789abcdef0");
    });

    it("the Kubernetes provider waits for the admin access entries and the deployer's whole path", function () {
      // pulumi-kubernetes loads the API schema once, in Configure, and marks the cluster unreachable
      // for the whole run if that fails: the provider itself must wait, not only the first object.
      for (const run of [prod, tgw]) {
        const provider = run.one("pulumi:providers:kubernetes");
        const path = [
          ...run.ofType("aws:eks/accessEntry:AccessEntry"),
          ...run.ofType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation"),
          ...run.ofType(INGRESS),
          run.one(TGW_ATTACHMENT),
          ...run.ofType("aws:ec2/route:Route").filter((r) => r.name.includes("-deployer-")),
        ];
        assert.strictEqual(path.length, run === prod ? 2 + 2 + 2 + 1 + 3 : 2 + 2 + 2 + 1 + 6);
        for (const r of path) assert.ok(provider.dependsOn.includes(r.urn), `${r.type} ${r.name}`);
      }
      const devProvider = dev.one("pulumi:providers:kubernetes");
      for (const r of dev.ofType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")) {
        assert.ok(devProvider.dependsOn.includes(r.urn), r.name);
      }
    });

    it("with a transit gateway: attaches the private subnets and routes each deployer CIDR to it from each private route table", function () {
      const attachment = tgw.one(TGW_ATTACHMENT);
      assert.deepStrictEqual(attachment.inputs.subnetIds, [
        "kp-private-0-id",
        "kp-private-1-id",
        "kp-private-2-id",
      ]);
      assert.strictEqual(attachment.inputs.vpcId, "kp-vpc-id");
      assert.strictEqual(attachment.inputs.transitGatewayId, "tgw-0123456789abcdef0");
      const routes = tgw
        .ofType("aws:ec2/route:Route")
        .filter((r) => r.name.includes("-deployer-"))
        .sort((a, b) => a.name.localeCompare(b.name));
      assert.deepStrictEqual(
        routes.map((r) => [
          r.name,
          r.inputs.routeTableId,
          r.inputs.destinationCidrBlock,
          r.inputs.transitGatewayId,
        ]),
        [
          [
            "kp-private-0-deployer-10-100-0-0-16",
            "kp-private-rt-0-id",
            "10.100.0.0/16",
            "tgw-0123456789abcdef0",
          ],
          [
            "kp-private-0-deployer-192-168-10-0-24",
            "kp-private-rt-0-id",
            "192.168.10.0/24",
            "tgw-0123456789abcdef0",
          ],
          [
            "kp-private-1-deployer-10-100-0-0-16",
            "kp-private-rt-1-id",
            "10.100.0.0/16",
            "tgw-0123456789abcdef0",
          ],
          [
            "kp-private-1-deployer-192-168-10-0-24",
            "kp-private-rt-1-id",
            "192.168.10.0/24",
            "tgw-0123456789abcdef0",
          ],
          [
            "kp-private-2-deployer-10-100-0-0-16",
            "kp-private-rt-2-id",
            "10.100.0.0/16",
            "tgw-0123456789abcdef0",
          ],
          [
            "kp-private-2-deployer-192-168-10-0-24",
            "kp-private-rt-2-id",
            "192.168.10.0/24",
            "tgw-0123456789abcdef0",
          ],
        ],
      );
      // A route to a transit gateway needs the VPC attached to it first.
      for (const r of routes) assert.ok(r.dependsOn.includes(attachment.urn), r.name);
      assert.deepStrictEqual(
        tgw
          .ofType(INGRESS)
          .map((r) => r.inputs.cidrIpv4)
          .sort(),
        ["10.100.0.0/16", "192.168.10.0/24"],
      );
      const ready = tgw.outputs.readyUrns as string[];
      for (const r of [attachment, ...routes]) assert.ok(ready.includes(r.urn), r.name);
    });

    it("a public endpoint registers no deployer path", function () {
      assert.deepStrictEqual(dev.ofType(INGRESS), []);
      assert.deepStrictEqual(dev.ofType(TGW_ATTACHMENT), []);
    });

    it("validateEksSettings refuses a private endpoint without a deployer network, and the reverse", function () {
      const { deployerNetwork: _dn, ...noPath } = prodSettings;
      assert.throws(
        () => validateEksSettings(noPath),
        /^Error: deployerNetwork: is required when endpointPublicAccess is false: this program creates the VPC.*set deployerNetwork\.transitGatewayId.*or set endpointPublicAccess: true with publicAccessCidrs/,
      );
      assert.throws(
        () => validateEksSettings({ ...devSettings, deployerNetwork: prodSettings.deployerNetwork }),
        /^Error: deployerNetwork: is only used with a private endpoint/,
      );
      assert.throws(
        () => validateEksSettings({ ...prodSettings, deployerNetwork: { cidrs: [], securityGroupIds: [] } }),
        /^Error: deployerNetwork\.transitGatewayId: is required when endpointPublicAccess is false/,
      );
      assert.throws(
        () =>
          validateEksSettings({
            ...prodSettings,
            deployerNetwork: {
              cidrs: [],
              securityGroupIds: ["sg-0123456789abcdef0"],
              transitGatewayId: "tgw-0123456789abcdef0",
            },
          }),
        /^Error: deployerNetwork\.cidrs: must list the deployer network's CIDRs: the private subnets route each one to the transit gateway/,
      );
      assert.throws(
        () =>
          validateEksSettings({
            ...prodSettings,
            deployerNetwork: {
              cidrs: ["10.20.8.0/24"],
              securityGroupIds: [],
              transitGatewayId: "tgw-0123456789abcdef0",
            },
          }),
        /deployerNetwork\.cidrs\.0: overlaps vpcCidr \(10\.20\.0\.0\/16\)/,
      );
      assert.throws(
        () =>
          validateEksSettings({
            ...prodSettings,
            deployerNetwork: {
              cidrs: ["10.100.0.0/16", "10.100.0.0/16"],
              securityGroupIds: [],
              transitGatewayId: "tgw-0123456789abcdef0",
            },
          }),
        /deployerNetwork\.cidrs\.1: is listed twice/,
      );
      assert.throws(
        () =>
          validateEksSettings({
            ...prodSettings,
            deployerNetwork: {
              cidrs: ["10.100.0.0/16"],
              securityGroupIds: ["default"],
              transitGatewayId: "tgw-0123456789abcdef0",
            },
          }),
        /deployerNetwork\.securityGroupIds: "default" is not an sg- ID/,
      );
      assert.doesNotThrow(() => validateEksSettings(viaTgw));
      assert.doesNotThrow(() => validateEksSettings(prodSettings));
      // The VPC is created by this program: on the first deploy no runner is inside it, so security
      // groups or CIDRs without a transit gateway are no path, whatever they name.
      for (const deployerNetwork of [
        { cidrs: ["10.20.8.0/24"], securityGroupIds: [] },
        { cidrs: ["10.100.0.0/16"], securityGroupIds: ["sg-0123456789abcdef0"] },
        { cidrs: [], securityGroupIds: ["sg-0123456789abcdef0"] },
      ]) {
        assert.throws(
          () => validateEksSettings({ ...prodSettings, deployerNetwork }),
          /^Error: deployerNetwork\.transitGatewayId: is required when endpointPublicAccess is false: this program creates the VPC, so on the first `pulumi up` nothing is inside it and only a transit gateway connects the deployer to it/,
          JSON.stringify(deployerNetwork),
        );
      }
    });
  });

  describe("zones EKS accepts", function () {
    const inRegion = (region: string): EksSettings => prodWith({ region });
    const zonesOf = (run: ProgramRun) =>
      run
        .ofType("aws:ec2/subnet:Subnet")
        .filter((s) => s.name.includes("-private-"))
        .map((s) => s.inputs.availabilityZone);

    it("excludes the AZ IDs where EKS cannot place cluster subnets (use1-az3, usw1-az2, cac1-az3)", async function () {
      // The mock maps zone letters a-d to az1-az4: us-east-1c is use1-az3, ca-central-1c is cac1-az3,
      // us-west-1b is usw1-az2.
      const [east, west, canada] = await Promise.all(
        ["us-east-1", "us-west-1", "ca-central-1"].map((r) => evaluate(inRegion(r), "prod")),
      );
      assert.deepStrictEqual(zonesOf(east), ["us-east-1a", "us-east-1b", "us-east-1d"]);
      assert.deepStrictEqual(zonesOf(west), ["us-west-1a", "us-west-1c", "us-west-1d"]);
      assert.deepStrictEqual(zonesOf(canada), ["ca-central-1a", "ca-central-1b", "ca-central-1d"]);
    });

    it("leaves the zones of other regions where they were", async function () {
      assert.deepStrictEqual(zonesOf(prod), ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
      const tokyo = await evaluate(inRegion("ap-northeast-1"), "prod");
      assert.deepStrictEqual(zonesOf(tokyo), ["ap-northeast-1a", "ap-northeast-1b", "ap-northeast-1c"]);
    });

    it("fails with the zone count when too few accepted zones remain", async function () {
      await assert.rejects(
        evaluate(prodWith({ region: "us-east-1", availabilityZoneCount: 4 }), "prod"),
        /region us-east-1 has 3 availability zones EKS accepts \(excluding use1-az3, usw1-az2, cac1-az3\), availabilityZoneCount is 4/,
      );
    });
  });

  describe("raising availabilityZoneCount", function () {
    let four: ProgramRun;
    before(async function () {
      four = await evaluate(prodWith({ availabilityZoneCount: 4 }), "prod");
    });

    it("keeps the control plane on its creation-time subnets: vpcConfig.subnetIds is ignored after creation", function () {
      const cluster = four.one("aws:eks/cluster:Cluster");
      assert.deepStrictEqual(cluster.ignoreChanges, [
        "accessConfig.bootstrapClusterCreatorAdminPermissions",
        "vpcConfig.subnetIds",
      ]);
      assert.deepStrictEqual(prod.one("aws:eks/cluster:Cluster").ignoreChanges, cluster.ignoreChanges);
      // Everything else of vpcConfig is unchanged, so the update touches nothing of the control plane.
      const { subnetIds: _a, ...before } = obj(prod.one("aws:eks/cluster:Cluster").inputs.vpcConfig);
      const { subnetIds: _b, ...after } = obj(cluster.inputs.vpcConfig);
      assert.deepStrictEqual(after, before);
    });

    it("gives every pool a node group in the new zone and leaves the existing groups untouched", function () {
      const pick = (g: RecordedResource) => [g.urn, g.inputs.subnetIds, g.inputs.scalingConfig];
      const added = nodeGroups(four).filter((g) => g.name.endsWith(".3"));
      assert.deepStrictEqual(
        added.map((g) => [g.name, g.inputs.subnetIds]),
        [
          ["kp-batch.3", ["kp-private-3-id"]],
          ["kp-general.3", ["kp-private-3-id"]],
        ],
      );
      // general 3-12 and batch 0-6 (Pulumi.prod.yaml): ceil(12 / 3) = 4 but ceil(12 / 4) = 3, so a
      // maximum that followed the zone count would shrink the existing groups below a size they may
      // have (EKS refuses it); per zone the maximum is ceil(max / 2) for any zone count.
      assert.deepStrictEqual(
        nodeGroups(four).map((g) => [g.name, g.inputs.scalingConfig]),
        [
          ["kp-batch.0", { minSize: 0, maxSize: 3, desiredSize: 0 }],
          ["kp-batch.1", { minSize: 0, maxSize: 3, desiredSize: 0 }],
          ["kp-batch.2", { minSize: 0, maxSize: 3, desiredSize: 0 }],
          ["kp-batch.3", { minSize: 0, maxSize: 3, desiredSize: 0 }],
          ["kp-general.0", { minSize: 1, maxSize: 6, desiredSize: 1 }],
          ["kp-general.1", { minSize: 1, maxSize: 6, desiredSize: 1 }],
          ["kp-general.2", { minSize: 1, maxSize: 6, desiredSize: 1 }],
          ["kp-general.3", { minSize: 1, maxSize: 6, desiredSize: 1 }],
        ],
      );
      assert.deepStrictEqual(
        nodeGroups(four)
          .filter((g) => !g.name.endsWith(".3"))
          .map(pick),
        nodeGroups(prod).map(pick),
      );
    });
  });

  describe("upgrading from one node group per pool", function () {
    it("the zone-0 group of each pool takes over the former group's URN (an alias), the others are new", async function () {
      const aliases: Record<string, unknown> = {};
      await runResources(
        () => {
          // A (legacy, SDK-side) transformation sees each child's options as the engine gets them.
          const record: pulumi.ResourceTransformation = (args) => {
            if (args.type === "aws:eks/nodeGroup:NodeGroup") aliases[args.name] = args.opts.aliases;
            return undefined;
          };
          new EksCluster("kp", prodSettings, { transformations: [record] });
          return {};
        },
        { stack: "prod" },
      );
      assert.deepStrictEqual(
        Object.fromEntries(Object.entries(aliases).sort(([a], [b]) => a.localeCompare(b))),
        {
          "kp-batch.0": [{ name: "kp-batch" }],
          "kp-batch.1": [],
          "kp-batch.2": [],
          "kp-general.0": [{ name: "kp-general" }],
          "kp-general.1": [],
          "kp-general.2": [],
        },
      );
    });

    it("the zones of a pool share its launch template (cluster-autoscaler balances only groups that look alike)", function () {
      const templates = prod.ofType("aws:ec2/launchTemplate:LaunchTemplate");
      assert.deepStrictEqual(templates.map((t) => t.name).sort(), ["kp-batch", "kp-general"]);
      for (const g of nodeGroups(prod)) {
        const pool = g.name.replace(/^kp-/, "").replace(/\.\d$/, "");
        assert.strictEqual(obj(g.inputs.launchTemplate).id, `kp-${pool}-id`, g.name);
      }
    });
  });

  describe("support type", function () {
    it("sets upgradePolicy.supportType from settings (STANDARD in prod, EXTENDED where asked)", function () {
      assert.deepStrictEqual(prod.one("aws:eks/cluster:Cluster").inputs.upgradePolicy, {
        supportType: "STANDARD",
      });
      assert.deepStrictEqual(dev.one("aws:eks/cluster:Cluster").inputs.upgradePolicy, {
        supportType: "EXTENDED",
      });
      assert.throws(
        () => validateEksSettings({ ...prodSettings, supportType: "LTS" as "STANDARD" }),
        /supportType: "LTS" must be STANDARD or EXTENDED/,
      );
    });
  });
});

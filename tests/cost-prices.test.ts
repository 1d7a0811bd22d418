/**
 * The price data (preflight/cost/prices/<cloud>.json), read as plain JSON: USD, the day the
 * figures were read, every example stack's region, a positive price and an https source for every
 * item (0 only for a free control plane), and literal figures read from the public price pages.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { EXAMPLE_STACKS, ROOT, loadStackConfig } from "../offline/stacks";

interface Item {
  unit: string;
  price: number;
  source: string;
  capacityGiB?: number;
  note?: string;
}
interface File {
  cloud: string;
  currency: string;
  date: string;
  regions: Record<string, Record<string, Item>>;
}

const DIR = path.join(ROOT, "preflight", "cost", "prices");
const read = (cloud: string): File =>
  JSON.parse(fs.readFileSync(path.join(DIR, `${cloud}.json`), "utf8")) as File;

const REGIONS: Record<string, string[]> = {
  aws: ["eu-west-1", "us-east-1"],
  gcp: ["europe-west1", "us-central1"],
  azure: ["westeurope", "eastus"],
  digitalocean: ["ams3", "nyc3"],
};
const TARGET_CLOUD: Record<string, string> = { eks: "aws", gke: "gcp", aks: "azure", doks: "digitalocean" };
const FREE = new Set(["controlPlane:free"]);
/** The units an item may have: a key's operations per 10,000, everything else per time or size. */
const UNITS = ["hour", "month", "GiB-month", "GiB"];
const unitsOf = (key: string): string[] => (key === "kmsKey:operations" ? ["10k-operations"] : UNITS);

const item = (cloud: string, region: string, key: string): Item => {
  const found = read(cloud).regions[region]?.[key];
  assert.ok(found, `${cloud}.json has no ${region} ${key}`);
  return found;
};

describe("price data (preflight/cost/prices/*.json)", () => {
  it("has exactly one file per priced cloud, and the README", () => {
    assert.deepStrictEqual(fs.readdirSync(DIR).sort(), [
      "README.md",
      "aws.json",
      "azure.json",
      "digitalocean.json",
      "gcp.json",
    ]);
  });

  for (const cloud of Object.keys(REGIONS)) {
    describe(`${cloud}.json`, () => {
      const f = read(cloud);

      it("names its cloud, in USD, with the day the figures were read", () => {
        assert.strictEqual(f.cloud, cloud);
        assert.strictEqual(f.currency, "USD");
        assert.match(f.date, /^\d{4}-\d{2}-\d{2}$/);
        assert.strictEqual(f.date, "2026-12-01");
        assert.ok(!Number.isNaN(Date.parse(f.date)));
      });

      it("has exactly its regions", () => {
        assert.deepStrictEqual(Object.keys(f.regions), REGIONS[cloud]);
      });

      it("prices every item above 0 (only a free control plane at 0), with an https source", () => {
        for (const [region, items] of Object.entries(f.regions)) {
          assert.ok(Object.keys(items).length > 0, `${region} has no items`);
          for (const [key, it] of Object.entries(items)) {
            const at = `${region} ${key}`;
            assert.ok(unitsOf(key).includes(it.unit), `${at}: unit ${it.unit}`);
            assert.strictEqual(typeof it.price, "number", at);
            if (FREE.has(key)) assert.strictEqual(it.price, 0, at);
            else assert.ok(it.price > 0, `${at}: price ${it.price}`);
            assert.match(it.source, /^https:\/\/\S+$/, at);
            if (it.capacityGiB !== undefined) assert.strictEqual(it.unit, "month", at);
            if (/^disk:[a-z0-9-]+:[A-Z]\d+$/.test(key)) assert.ok(it.capacityGiB, `${at}: capacityGiB`);
            if (it.note !== undefined) assert.ok(it.note.length > 0, at);
          }
        }
      });
    });
  }

  it("has the region of every example stack on a priced cloud", () => {
    let checked = 0;
    for (const stack of Object.keys(EXAMPLE_STACKS)) {
      const cluster = loadStackConfig(stack).cluster as Record<string, string>;
      const cloud = TARGET_CLOUD[cluster.target];
      if (!cloud) continue; // the local (existing cluster) stack has no price file
      const region = cluster.region ?? cluster.location;
      assert.ok(Object.hasOwn(read(cloud).regions, region), `${stack}: ${cloud} ${region}`);
      checked++;
    }
    assert.strictEqual(checked, 5);
  });

  it("has the figures read from the price pages", () => {
    const price = (cloud: string, region: string, key: string) => item(cloud, region, key).price;
    assert.strictEqual(price("aws", "eu-west-1", "controlPlane:standard"), 0.1);
    assert.strictEqual(price("aws", "us-east-1", "controlPlane:extended"), 0.6);
    assert.strictEqual(price("aws", "us-east-1", "instance:m6i.xlarge"), 0.192);
    assert.strictEqual(price("aws", "us-east-1", "instance:t3a.large"), 0.0752);
    assert.strictEqual(price("aws", "eu-west-1", "natGateway"), 0.048);
    assert.strictEqual(price("aws", "eu-west-1", "kmsKey"), 1);
    assert.strictEqual(price("gcp", "europe-west1", "instance:e2-standard-4"), 0.14743092);
    assert.strictEqual(price("gcp", "us-central1", "natGateway"), 0.0014);
    assert.strictEqual(price("gcp", "europe-west1", "kmsKey"), 0.06);
    assert.strictEqual(price("azure", "westeurope", "instance:Standard_D4s_v5"), 0.23);
    assert.strictEqual(price("azure", "eastus", "controlPlane:free"), 0);
    assert.strictEqual(price("digitalocean", "ams3", "controlPlane:ha"), 40);
    assert.deepStrictEqual(
      { ...item("azure", "eastus", "disk:standardssd-lrs:E4"), note: undefined, source: undefined },
      { unit: "month", price: 2.4, capacityGiB: 32, note: undefined, source: undefined },
    );
    assert.strictEqual(item("aws", "eu-west-1", "kmsKey").source, "https://aws.amazon.com/kms/pricing/");
  });

  it("prices a key's operations per 10,000 in every region of the clouds with customer-managed keys", () => {
    const operations = (cloud: string, region: string) => {
      const { unit, price, source } = item(cloud, region, "kmsKey:operations");
      return { unit, price, source };
    };
    // AWS KMS: $0.03 per 10,000 requests (symmetric keys)
    for (const region of ["eu-west-1", "us-east-1"])
      assert.deepStrictEqual(operations("aws", region), {
        unit: "10k-operations",
        price: 0.03,
        source: "https://aws.amazon.com/kms/pricing/",
      });
    // Cloud KMS: $0.03 per 10,000 cryptographic operations with a SOFTWARE key
    for (const region of ["europe-west1", "us-central1"])
      assert.deepStrictEqual(operations("gcp", region), {
        unit: "10k-operations",
        price: 0.03,
        source: "https://cloud.google.com/kms/pricing",
      });
    // Key Vault Standard: RSA 3072-bit keys (an advanced key type) $0.15 per 10,000 transactions
    for (const region of ["westeurope", "eastus"])
      assert.deepStrictEqual(operations("azure", region), {
        unit: "10k-operations",
        price: 0.15,
        source: "https://azure.microsoft.com/en-us/pricing/details/key-vault/",
      });
    // DOKS creates no customer-managed key
    assert.ok(!("kmsKey:operations" in read("digitalocean").regions.ams3));
  });

  it("has the figures the example stacks' nodes, disks and load balancers need", () => {
    const price = (cloud: string, region: string, key: string) => item(cloud, region, key).price;
    // eks-dev (eu-west-1): Karpenter system nodes and its NodePool's instance types.
    assert.strictEqual(price("aws", "eu-west-1", "instance:t3.medium"), 0.0456);
    assert.strictEqual(price("aws", "eu-west-1", "instance:t3.large"), 0.0912);
    assert.strictEqual(price("aws", "eu-west-1", "instance:t3a.large"), 0.0816);
    assert.strictEqual(price("aws", "eu-west-1", "loadBalancer"), 0.0252);
    assert.strictEqual(price("aws", "eu-west-1", "loadBalancer:capacityUnit"), 0.006);
    assert.strictEqual(price("aws", "eu-west-1", "logs:ingestion"), 0.57);
    assert.strictEqual(price("aws", "eu-west-1", "logs:storage"), 0.03);
    assert.strictEqual(price("aws", "eu-west-1", "disk:gp3"), 0.088);
    assert.strictEqual(price("aws", "us-east-1", "disk:gp3"), 0.08);
    assert.strictEqual(price("aws", "us-east-1", "loadBalancer"), 0.0225);
    // prod (eu-west-1): both node pools (m6i.xlarge, m7g.xlarge), the prod profile's Karpenter system
    // pool (m6i.large) and common neighbours, from SkyPilot's catalog of the offer file.
    assert.strictEqual(price("aws", "eu-west-1", "instance:m6i.xlarge"), 0.214);
    assert.strictEqual(price("aws", "eu-west-1", "instance:m7g.xlarge"), 0.1819);
    assert.strictEqual(price("aws", "eu-west-1", "instance:m6i.large"), 0.107);
    assert.strictEqual(price("aws", "eu-west-1", "instance:m7g.large"), 0.091);
    assert.strictEqual(price("aws", "eu-west-1", "instance:m7i.xlarge"), 0.2247);
    assert.strictEqual(price("aws", "eu-west-1", "instance:c6i.xlarge"), 0.1824);
    assert.match(
      item("aws", "eu-west-1", "instance:m6i.xlarge").source,
      /skypilot-catalog\/blob\/[0-9a-f]{40}\//,
    );
    // gke (europe-west1, us-central1): the Service LoadBalancer's forwarding-rule minimum and its data.
    assert.strictEqual(price("gcp", "europe-west1", "loadBalancer"), 0.025);
    assert.strictEqual(price("gcp", "us-central1", "loadBalancer"), 0.025);
    assert.strictEqual(price("gcp", "europe-west1", "loadBalancer:data"), 0.008);
    assert.strictEqual(item("gcp", "europe-west1", "loadBalancer").unit, "hour");
    assert.strictEqual(item("gcp", "europe-west1", "loadBalancer:data").unit, "GiB");
    // doks (ams3): both pools, the default pool size, and the sizes a user is likely to pick.
    assert.strictEqual(price("digitalocean", "ams3", "instance:s-4vcpu-8gb"), 48);
    assert.strictEqual(price("digitalocean", "ams3", "instance:c-8"), 168);
    assert.strictEqual(price("digitalocean", "nyc3", "instance:s-2vcpu-4gb"), 24);
    assert.strictEqual(price("digitalocean", "nyc3", "instance:c-4"), 84);
    assert.strictEqual(price("digitalocean", "nyc3", "instance:g-4vcpu-16gb"), 126);
    // aks (westeurope, zones 1-3, Kubernetes 1.34): managed-csi is Standard SSD ZRS; OS disks Premium SSD LRS.
    const tier = (key: string) => {
      const { unit, price: p, capacityGiB } = item("azure", "westeurope", key);
      return { unit, price: p, capacityGiB };
    };
    assert.deepStrictEqual(tier("disk:standardssd-zrs:E4"), { unit: "month", price: 3.6, capacityGiB: 32 });
    assert.deepStrictEqual(tier("disk:standardssd-zrs:E10"), {
      unit: "month",
      price: 14.4,
      capacityGiB: 128,
    });
    assert.deepStrictEqual(tier("disk:standardssd-lrs:E10"), { unit: "month", price: 9.6, capacityGiB: 128 });
    assert.deepStrictEqual(tier("disk:premium-lrs:P10"), { unit: "month", price: 21.68, capacityGiB: 128 });
    assert.deepStrictEqual(tier("disk:premium-zrs:P30"), { unit: "month", price: 222.99, capacityGiB: 1024 });
    assert.strictEqual(price("azure", "westeurope", "publicIp"), 0.005);
    assert.strictEqual(price("azure", "westeurope", "natGateway"), 0.045);
    assert.strictEqual(price("azure", "eastus", "controlPlane:standard"), 0.1);
    assert.strictEqual(price("azure", "eastus", "disk:premium-lrs:P10"), 19.71);
  });

  it("prices every Azure disk tier of a SKU from the smallest (E1/P1, 4 GiB) to E50/P50 (4 TiB) in westeurope", () => {
    const items = read("azure").regions.westeurope;
    const sizes = [4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096];
    for (const sku of ["standardssd-lrs", "standardssd-zrs", "premium-lrs", "premium-zrs"]) {
      const tiers = Object.entries(items)
        .filter(([key]) => key.startsWith(`disk:${sku}:`))
        .map(([, it]) => it.capacityGiB);
      assert.deepStrictEqual(tiers, sizes, sku);
    }
  });

  it("leaves out what no public page gave a figure for", () => {
    assert.ok(!("instance:m6i.2xlarge" in read("aws").regions["eu-west-1"]));
    // Key Vault Standard has no per-key charge: its keys are priced by their operations only
    assert.ok(!("kmsKey" in read("azure").regions.westeurope));
    assert.ok(!("kmsKey" in read("azure").regions.eastus));
    assert.ok(!("instance:m7g.2xlarge" in read("aws").regions["eu-west-1"]));
    assert.ok(!("controlPlane:premium" in read("azure").regions.eastus));
    assert.ok(!("controlPlane:premium" in read("azure").regions.westeurope));
    assert.ok(!("disk:standardssd-zrs:E10" in read("azure").regions.eastus));
    assert.ok(!("logs:ingestion" in read("azure").regions.westeurope));
    assert.ok(!("loadBalancer:capacityUnit" in read("gcp").regions["europe-west1"]));
  });

  it("prices DigitalOcean the same in every region", () => {
    const f = read("digitalocean");
    assert.deepStrictEqual(f.regions.ams3, f.regions.nyc3);
  });
});

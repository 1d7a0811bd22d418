/** The price files: loadPrices reads and checks them; a broken one names the file and each bad key. */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PRICES_DIR, PriceFileError, loadPrices, parsePrices } from "../preflight/cost";
import { FIXTURE_FILE, FIXTURE_PRICES } from "./fixtures/cost/recorded";

const SOURCE = "https://example.com/kube-platform-test-fixture";
const valid = () => ({
  cloud: "aws",
  currency: "USD",
  date: "2026-01-01",
  regions: { "eu-west-1": { "controlPlane:standard": { unit: "hour", price: 0.1, source: SOURCE } } },
});

/** The problems parsePrices reports for `data` (as file "f.json"). */
function problemsOf(data: unknown): string[] {
  try {
    parsePrices("aws", data, "f.json");
  } catch (err) {
    assert.ok(err instanceof PriceFileError);
    assert.equal(err.file, "f.json");
    return err.problems;
  }
  return [];
}

describe("cost prices: loadPrices and the price file shape", () => {
  it("reads a valid file", () => {
    const p = loadPrices("aws", FIXTURE_PRICES);
    assert.equal(p.cloud, "aws");
    assert.deepEqual(Object.keys(p.regions), ["eu-west-1", "us-east-1"]);
    assert.deepEqual(p.regions["eu-west-1"]["natGateway"], { unit: "hour", price: 0.05, source: SOURCE });
    assert.deepEqual(problemsOf(valid()), []);
  });

  it("accepts a key's operations per 10,000 (item kmsKey:operations, unit 10k-operations)", () => {
    const d = valid();
    const operations = { unit: "10k-operations", price: 0.03, source: SOURCE };
    const regions = { "eu-west-1": { ...d.regions["eu-west-1"], "kmsKey:operations": operations } };
    assert.deepEqual(problemsOf({ ...d, regions }), []);
    assert.deepEqual(loadPrices("aws", FIXTURE_PRICES).regions["eu-west-1"]["kmsKey:operations"], operations);
  });

  it("reads the shipped price files from preflight/cost/prices by default", () => {
    assert.equal(PRICES_DIR, path.resolve(__dirname, "../preflight/cost/prices"));
    for (const cloud of ["aws", "gcp", "azure", "digitalocean"] as const)
      assert.equal(loadPrices(cloud).cloud, cloud);
  });

  const broken: [string, (d: ReturnType<typeof valid>) => unknown, string[]][] = [
    [
      "a negative price",
      (d) => ({
        ...d,
        regions: { "eu-west-1": { natGateway: { unit: "hour", price: -1, source: SOURCE } } },
      }),
      ['regions["eu-west-1"].natGateway.price: must be a price of 0 or more'],
    ],
    [
      "an unknown unit and a source that is no https page",
      (d) => ({
        ...d,
        regions: { "eu-west-1": { kmsKey: { unit: "year", price: 1, source: "aws pricing" } } },
      }),
      [
        'regions["eu-west-1"].kmsKey.unit: Invalid option: expected one of "hour"|"month"|"GiB-month"|"GiB"|"10k-operations"',
        'regions["eu-west-1"].kmsKey.source: must be the https address of the public price page',
      ],
    ],
    [
      "an item key of no family",
      (d) => ({ ...d, regions: { "eu-west-1": { "gpu:a100": { unit: "hour", price: 1, source: SOURCE } } } }),
      [
        'regions["eu-west-1"]["gpu:a100"]: is not a price item key (controlPlane:<tier>, instance:<type>, disk:<class>, disk:<sku>:<tier>, natGateway, natGateway:data, loadBalancer, loadBalancer:data, loadBalancer:capacityUnit, publicIp, kmsKey, kmsKey:operations, logs:ingestion, logs:storage)',
      ],
    ],
    [
      "a KMS item of no known kind (requests, not operations)",
      (d) => ({
        ...d,
        regions: {
          "eu-west-1": { "kmsKey:requests": { unit: "10k-operations", price: 0.03, source: SOURCE } },
        },
      }),
      [
        'regions["eu-west-1"]["kmsKey:requests"]: is not a price item key (controlPlane:<tier>, instance:<type>, disk:<class>, disk:<sku>:<tier>, natGateway, natGateway:data, loadBalancer, loadBalancer:data, loadBalancer:capacityUnit, publicIp, kmsKey, kmsKey:operations, logs:ingestion, logs:storage)',
      ],
    ],
    [
      "operations in a unit of their own spelling",
      (d) => ({
        ...d,
        regions: {
          "eu-west-1": { "kmsKey:operations": { unit: "10000-operations", price: 0.03, source: SOURCE } },
        },
      }),
      [
        'regions["eu-west-1"]["kmsKey:operations"].unit: Invalid option: expected one of "hour"|"month"|"GiB-month"|"GiB"|"10k-operations"',
      ],
    ],
    [
      "operations priced per hour, and another item per 10,000 operations",
      (d) => ({
        ...d,
        regions: {
          "eu-west-1": {
            "kmsKey:operations": { unit: "hour", price: 0.03, source: SOURCE },
            kmsKey: { unit: "10k-operations", price: 1, source: SOURCE },
          },
        },
      }),
      [
        'regions["eu-west-1"]["kmsKey:operations"].unit: must be "10k-operations" (kmsKey:operations is priced per 10,000 operations)',
        'regions["eu-west-1"].kmsKey.unit: is "10k-operations", the unit of kmsKey:operations only',
      ],
    ],
    [
      "a size tier without its capacity",
      (d) => ({
        ...d,
        regions: { westeurope: { "disk:premium-lrs:P10": { unit: "month", price: 19, source: SOURCE } } },
      }),
      ['regions.westeurope["disk:premium-lrs:P10"].capacityGiB: is required for a disk size tier'],
    ],
    [
      "another cloud's file, a bad date and no regions",
      (d) => ({ ...d, cloud: "gcp", date: "2026-13-45", regions: {} }),
      [
        'cloud: Invalid input: expected "aws"',
        "date: must be a calendar day",
        "regions: must have at least one region",
      ],
    ],
    [
      "an unknown top-level key",
      (d) => ({ ...d, currencies: ["EUR"] }),
      ['(file): Unrecognized key: "currencies"'],
    ],
  ];
  for (const [what, make, problems] of broken) {
    it(`refuses ${what}, naming each key`, () => {
      assert.deepEqual(problemsOf(make(valid())), problems);
    });
  }

  it("a file that is missing or not JSON is a PriceFileError naming it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-prices-"));
    fs.writeFileSync(path.join(dir, "gcp.json"), "{ not json");
    assert.throws(
      () => loadPrices("aws", dir),
      (e: unknown) =>
        e instanceof PriceFileError &&
        e.file === path.join(dir, "aws.json") &&
        /cannot read it/.test(e.problems[0]),
    );
    assert.throws(
      () => loadPrices("gcp", dir),
      (e: unknown) =>
        e instanceof PriceFileError &&
        e.message.startsWith(`Invalid price file ${path.join(dir, "gcp.json")}:\n  - is not JSON (`),
    );
    assert.equal(FIXTURE_FILE("aws"), path.join(FIXTURE_PRICES, "aws.json"));
  });
});

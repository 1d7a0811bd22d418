/** Which configured DNS zone covers a host (components/shared/dns-zones.ts): both directions, the boundaries. */
import * as assert from "assert";
import {
  canonicalDnsName,
  coveringZone,
  isWildcardHost,
  subdomainsBetween,
  zoneCovers,
} from "../components/shared/dns-zones";

const ZONE = "kube-platform.dev";

describe("dns zones: coverage of a host", () => {
  it("a zone covers its apex and every name under it, at any depth", () => {
    assert.strictEqual(zoneCovers(ZONE, "kube-platform.dev"), true, "apex");
    assert.strictEqual(zoneCovers(ZONE, "shop.kube-platform.dev"), true, "one label under");
    assert.strictEqual(zoneCovers(ZONE, "api.eu.shop.kube-platform.dev"), true, "sub-sub-domain");
    assert.strictEqual(zoneCovers(ZONE, "*.kube-platform.dev"), true, "a wildcard record lives in the zone");
  });

  it("a suffix that is not on a label boundary does not cover, nor does another name or a parent", () => {
    assert.strictEqual(zoneCovers(ZONE, "evilkube-platform.dev"), false, "suffix inside a label");
    assert.strictEqual(zoneCovers(ZONE, "shop.evilkube-platform.dev"), false);
    assert.strictEqual(zoneCovers(ZONE, "kube-platform.dev.evil.com"), false, "zone as a prefix");
    assert.strictEqual(zoneCovers(ZONE, "platform.dev"), false, "the parent of the zone");
    assert.strictEqual(zoneCovers(ZONE, "shop.kube-platform.de"), false);
    assert.strictEqual(zoneCovers("shop.kube-platform.dev", "*.kube-platform.dev"), false, "wildcard above");
  });

  it("compares case-insensitively and tolerates the trailing dot, on either side", () => {
    assert.strictEqual(zoneCovers("Kube-Platform.DEV", "shop.kube-platform.dev"), true);
    assert.strictEqual(zoneCovers(ZONE, "SHOP.Kube-Platform.dev"), true);
    assert.strictEqual(zoneCovers("kube-platform.dev.", "shop.kube-platform.dev"), true);
    assert.strictEqual(zoneCovers(ZONE, "shop.kube-platform.dev."), true);
    assert.strictEqual(zoneCovers("kube-platform.dev.", "kube-platform.dev"), true, "apex, dotted zone");
    assert.strictEqual(zoneCovers("KUBE-PLATFORM.dev.", "evilkube-platform.dev."), false);
  });

  it("the root or an empty zone covers nothing", () => {
    assert.strictEqual(zoneCovers(".", "shop.kube-platform.dev"), false);
    assert.strictEqual(zoneCovers("", "shop.kube-platform.dev"), false);
  });

  it("canonical names: lowercase, one trailing dot removed", () => {
    assert.strictEqual(canonicalDnsName("Shop.Kube-Platform.Dev."), "shop.kube-platform.dev");
    assert.strictEqual(canonicalDnsName("shop.kube-platform.dev"), "shop.kube-platform.dev");
  });
});

describe("dns zones: the covering zone", () => {
  const zones = ["kube-platform.dev", "eu.kube-platform.dev", "example.org."];

  it("of nested zones the longest wins, whatever their order; returned as configured", () => {
    assert.strictEqual(coveringZone("shop.eu.kube-platform.dev", zones), "eu.kube-platform.dev");
    assert.strictEqual(
      coveringZone("shop.eu.kube-platform.dev", [...zones].reverse()),
      "eu.kube-platform.dev",
    );
    assert.strictEqual(coveringZone("eu.kube-platform.dev", zones), "eu.kube-platform.dev", "sub-zone apex");
    assert.strictEqual(coveringZone("shop.kube-platform.dev", zones), "kube-platform.dev");
    assert.strictEqual(coveringZone("*.eu.kube-platform.dev", zones), "eu.kube-platform.dev");
    assert.strictEqual(coveringZone("WWW.Example.org", zones), "example.org.");
  });

  it("undefined when no zone covers the host, or there is no zone", () => {
    assert.strictEqual(coveringZone("evilkube-platform.dev", zones), undefined);
    assert.strictEqual(coveringZone("shop.example.com", zones), undefined);
    assert.strictEqual(coveringZone("shop.kube-platform.dev", []), undefined);
  });
});

describe("dns zones: wildcard hosts", () => {
  it("a wildcard host starts with one '*' label", () => {
    assert.strictEqual(isWildcardHost("*.kube-platform.dev"), true);
    assert.strictEqual(isWildcardHost("shop.kube-platform.dev"), false);
    assert.strictEqual(isWildcardHost("*kube-platform.dev"), false, "no label boundary");
  });
});

describe("dns zones: the sub-domains between a zone and a host (each may be delegated)", () => {
  it("nearest the zone first; none right under the zone, at the apex, or outside it", () => {
    assert.deepStrictEqual(subdomainsBetween(ZONE, "x.dev.kube-platform.dev"), ["dev.kube-platform.dev"]);
    assert.deepStrictEqual(subdomainsBetween(ZONE, "a.b.c.kube-platform.dev"), [
      "c.kube-platform.dev",
      "b.c.kube-platform.dev",
    ]);
    assert.deepStrictEqual(subdomainsBetween(ZONE, "*.dev.kube-platform.dev"), ["dev.kube-platform.dev"]);
    assert.deepStrictEqual(subdomainsBetween(ZONE, "shop.kube-platform.dev"), []);
    assert.deepStrictEqual(subdomainsBetween(ZONE, "*.kube-platform.dev"), []);
    assert.deepStrictEqual(subdomainsBetween(ZONE, "kube-platform.dev"), []);
    assert.deepStrictEqual(subdomainsBetween(ZONE, "x.dev.evilkube-platform.dev"), []);
  });

  it("canonical names on either side (case, trailing dot)", () => {
    assert.deepStrictEqual(subdomainsBetween("Kube-Platform.dev.", "X.Dev.kube-platform.dev."), [
      "dev.kube-platform.dev",
    ]);
  });
});

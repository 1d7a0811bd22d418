/**
 * The priced things of a managed stack, the same for every cloud: each function reads its part
 * of the cloud's row (./estimate-clouds.ts) and adds lines (or unpriced items) to the Pricer.
 */
import { get } from "../../rules";
import type { CostAssumptions } from "../../stacks/cost-config";
import type { MonthlyRange } from "./types";
import type { CloudRow, Counted, NodePoolUse } from "./estimate-clouds";
import { HOURS_PER_MONTH } from "./types";
import { Pricer } from "./estimate-lines";
import {
  Resources,
  gibibytes,
  keyAt,
  loadBalancerServices,
  serviceName,
  stringAt,
} from "./estimate-resources";
import { claimsOf } from "./estimate-volumes";

export interface ItemContext {
  row: CloudRow;
  res: Resources;
  pricer: Pricer;
  assumptions: CostAssumptions;
}

const once = (n: number): MonthlyRange => ({ min: n, max: n });

/** Counted things of the same component, resource and tier as one entry (NAT gateways × 3). */
function merged(items: Counted[]): Counted[] {
  const out = new Map<string, Counted>();
  for (const c of items) {
    const key = `${c.component}\n${c.resource}\n${c.tier ?? ""}`;
    const seen = out.get(key);
    out.set(
      key,
      seen
        ? { ...seen, count: seen.count + c.count, publicIps: (seen.publicIps ?? 0) + (c.publicIps ?? 0) }
        : { ...c },
    );
  }
  return [...out.values()];
}

const times = (c: Counted) => (c.count > 1 ? ` × ${c.count}` : "");

function publicIps(ctx: ItemContext, c: Counted, of: string): void {
  if (c.publicIps)
    ctx.pricer.add({
      component: c.component,
      resource: `public IPv4 address${c.publicIps > 1 ? `es × ${c.publicIps}` : ""} of ${of}`,
      item: "publicIp",
      count: once(c.publicIps),
    });
}

export function controlPlaneLines(ctx: ItemContext): void {
  for (const c of ctx.row.controlPlanes(ctx.res))
    ctx.pricer.add({
      component: c.component,
      resource: c.resource,
      item: `controlPlane:${c.tier}`,
      count: once(1),
    });
}

/** The instance item of a pool: its most expensive type (in monthly terms), or why none is priced. */
function instanceOf(ctx: ItemContext, pool: NodePoolUse): { item: string } | { reason: string } {
  const items = pool.machineTypes.map((t) => `instance:${t}`);
  const missing = items.filter((i) => !ctx.pricer.has(i));
  if (missing.length > 0) return { reason: `no price for ${missing.join(", ")} in ${ctx.pricer.region}` };
  const monthly = (i: string) => {
    const f = ctx.pricer.item(i);
    return f ? f.price * (f.unit === "hour" ? HOURS_PER_MONTH : 1) : 0;
  };
  const [item] = [...items].sort((a, b) => monthly(b) - monthly(a));
  return item ? { item } : { reason: "it lists no instance type" };
}

/** The resource text of a priced pool: count, type and what qualifies them. */
function poolText(pool: NodePoolUse, type: string): string {
  const notes = [
    pool.detail,
    pool.machineTypes.length > 1 ? `the dearest of ${pool.machineTypes.join(", ")}` : undefined,
    pool.capacity?.includes("spot") ? "spot priced at on-demand, the upper bound" : undefined,
  ].filter((n): n is string => n !== undefined && n !== "");
  const text = `node pool ${pool.pool}: ${pool.count.min}-${pool.count.max} × ${type}`;
  return notes.length > 0 ? `${text} (${notes.join("; ")})` : text;
}

function nodeDiskLines(ctx: ItemContext, pool: NodePoolUse): void {
  const { component, count, disk } = pool;
  if ("problem" in disk) ctx.pricer.missing(component, `node disks of pool ${pool.pool}`, disk.problem);
  else if ("diskClass" in disk)
    ctx.pricer.addDisk(
      {
        component,
        resource: `node disks of pool ${pool.pool}: ${disk.sizeGiB} GiB ${disk.diskClass} × ${count.min}-${count.max}`,
      },
      disk.diskClass,
      disk.sizeGiB,
      count,
    );
}

/**
 * Each pool's nodes at its dearest instance type, and their disks. A pool whose size is unknown
 * (pool.problem) is one unpriced item, disks included; a type without a price leaves the disks priced.
 */
export function nodePoolLines(ctx: ItemContext): NodePoolUse[] {
  const pools = ctx.row.nodePools(ctx.res);
  for (const pool of pools) {
    const { component, count } = pool;
    const what = `node pool ${pool.pool}: ${count.min}-${count.max} × ${pool.machineTypes.join(" | ") || "?"}`;
    if (pool.problem) {
      ctx.pricer.missing(component, `${what} (nodes and their disks)`, pool.problem);
      continue;
    }
    const instance = instanceOf(ctx, pool);
    if ("reason" in instance) ctx.pricer.missing(component, what, instance.reason);
    else
      ctx.pricer.add({
        component,
        resource: poolText(pool, instance.item.slice("instance:".length)),
        item: instance.item,
        count,
        ...(pool.capacity ? { capacity: pool.capacity } : {}),
      });
    nodeDiskLines(ctx, pool);
  }
  return pools;
}

/** NAT gateways, their public addresses and the data they process (one assumption for all of them). */
export function natLines(ctx: ItemContext, pools: NodePoolUse[]): void {
  const gateways = merged(ctx.row.natGateways(ctx.res));
  const cap = ctx.row.natPerNodeUpTo;
  const nodes = {
    min: pools.reduce((n, p) => n + p.count.min, 0),
    max: pools.reduce((n, p) => n + p.count.max, 0),
  };
  for (const g of gateways) {
    const count =
      cap === undefined
        ? once(g.count)
        : { min: g.count * Math.min(nodes.min, cap), max: g.count * Math.min(nodes.max, cap) };
    const perNode =
      cap === undefined ? "" : ` (priced per node using it, up to ${cap}: ${count.min}-${count.max})`;
    ctx.pricer.add({
      component: g.component,
      resource: `${g.resource}${times(g)}${perNode}`,
      item: "natGateway",
      count,
    });
    publicIps(ctx, g, `the NAT gateway${g.count > 1 ? "s" : ""}`);
  }
  const [first] = gateways;
  if (first) {
    const gib = ctx.assumptions.natDataGiB;
    ctx.pricer.add({
      component: first.component,
      resource: "NAT data processed",
      item: "natGateway:data",
      count: once(gib),
      assumption: `${gib} GiB/month processed (cost.natDataGiB)`,
    });
  }
}

/** Load balancers: the cluster's own, and one per Service of type LoadBalancer (or its rules on the cluster's). */
export function loadBalancerLines(ctx: ItemContext): void {
  for (const lb of ctx.row.clusterLoadBalancers(ctx.res)) {
    ctx.pricer.add({
      component: lb.component,
      resource: lb.resource,
      item: "loadBalancer",
      count: once(lb.count),
    });
    publicIps(ctx, lb, "its outbound traffic");
    // The nodes' egress leaves through its outbound rules: data processed, as a NAT gateway's would be.
    if (ctx.row.loadBalancerUsage === "data") {
      const gib = ctx.assumptions.natDataGiB;
      ctx.pricer.add({
        component: lb.component,
        resource: "outbound data processed (the nodes' egress)",
        item: "loadBalancer:data",
        count: once(gib),
        assumption: `${gib} GiB/month processed (cost.natDataGiB)`,
      });
    }
  }
  for (const svc of loadBalancerServices(ctx.res)) {
    const component = ctx.res.componentOf(svc);
    const name = serviceName(svc);
    const lb = ctx.row.serviceLoadBalancer(svc, ctx.res);
    if (lb.dedicated)
      ctx.pricer.add({
        component,
        resource: `load balancer of ${name}`,
        item: "loadBalancer",
        count: once(1),
      });
    publicIps(ctx, { component, resource: name, count: 1, publicIps: lb.publicIps }, name);
    const { loadBalancerCapacityUnits: units, loadBalancerDataGiB: gib } = ctx.assumptions;
    if (ctx.row.loadBalancerUsage === "capacityUnits")
      ctx.pricer.add({
        component,
        resource: `capacity units of ${name}`,
        item: "loadBalancer:capacityUnit",
        count: once(units),
        assumption: `${units} NLCU on average each hour (cost.loadBalancerCapacityUnits)`,
      });
    else if (ctx.row.loadBalancerUsage === "data")
      ctx.pricer.add({
        component,
        resource: `data processed by ${name}`,
        item: "loadBalancer:data",
        count: once(gib),
        assumption: `${gib} GiB/month processed (cost.loadBalancerDataGiB)`,
      });
  }
}

/** The disk class of a storage class: a recorded StorageClass's parameter, else the cloud's own classes. */
function diskClassOf(ctx: ItemContext, storageClass: string): string | undefined {
  const recorded = ctx.res
    .ofType("kubernetes:storage.k8s.io/v1:StorageClass")
    .find((s) => get(s.inputs, "metadata.name") === storageClass);
  const parameter = stringAt(recorded?.inputs, `parameters.${ctx.row.storageClassParameter}`);
  if (parameter) return parameter.toLowerCase().replace(/_/g, "-");
  const classes = ctx.row.storageClasses(ctx.res);
  return Object.hasOwn(classes, storageClass) ? classes[storageClass] : undefined;
}

/** The storage class a claim without one gets: the recorded default StorageClass, else the cloud's. */
function defaultStorageClass(ctx: ItemContext): string {
  const marked = ctx.res
    .ofType("kubernetes:storage.k8s.io/v1:StorageClass")
    .find(
      (s) =>
        keyAt(s.inputs, "metadata.annotations", "storageclass.kubernetes.io/is-default-class") === "true",
    );
  return stringAt(marked?.inputs, "metadata.name") ?? ctx.row.defaultStorageClass;
}

export function volumeLines(ctx: ItemContext): void {
  for (const claim of claimsOf(ctx.res)) {
    const size = gibibytes(claim.size);
    const storageClass = claim.storageClass ?? defaultStorageClass(ctx);
    const what = `${claim.resource}${claim.count > 1 ? ` × ${claim.count}` : ""}`;
    if (size === undefined) {
      ctx.pricer.missing(
        claim.component,
        what,
        `size ${JSON.stringify(claim.size)} is not a size in Mi, Gi or Ti`,
      );
      continue;
    }
    const diskClass = diskClassOf(ctx, storageClass);
    if (!diskClass) {
      ctx.pricer.missing(
        claim.component,
        what,
        `storage class "${storageClass}": its disk type is not known to the estimate`,
      );
      continue;
    }
    ctx.pricer.addDisk(
      {
        component: claim.component,
        resource: `${claim.resource}: ${size} GiB ${storageClass} × ${claim.count}`,
      },
      diskClass,
      size,
      once(claim.count),
    );
  }
}

/** Each component's customer-managed keys: per key-month where the cloud charges one, and their operations (the assumption). */
export function kmsKeyLines(ctx: ItemContext): void {
  const keys = ctx.row.kmsKeyTypes.flatMap((t) => ctx.res.ofType(t));
  const counted = merged(
    keys.map((k) => ({ component: ctx.res.componentOf(k), resource: "customer-managed key", count: 1 })),
  );
  const operations = ctx.assumptions.kmsKeyOperations;
  for (const k of counted) {
    const resource = `${k.resource}${times(k)}`;
    if (ctx.row.kmsKeyMonthly)
      ctx.pricer.add({ component: k.component, resource, item: "kmsKey", count: once(k.count) });
    ctx.pricer.add({
      component: k.component,
      resource: `operations of ${resource}`,
      item: "kmsKey:operations",
      count: once((k.count * operations) / 10_000),
      assumption: `${operations.toLocaleString("en-US")} operations/month per key (cost.kmsKeyOperations)`,
    });
  }
}

/** Log ingestion (the assumption) and, with a retention, the logs kept: a month's ingestion per 30 days kept. */
export function logLines(ctx: ItemContext): void {
  const gib = ctx.assumptions.logIngestionGiB;
  for (const l of ctx.row.logs(ctx.res)) {
    ctx.pricer.add({
      component: l.component,
      resource: `${l.resource}: ingestion`,
      item: "logs:ingestion",
      count: once(gib),
      assumption: `${gib} GiB/month ingested (cost.logIngestionGiB)`,
    });
    if (l.retentionDays === undefined) continue;
    if (l.retentionDays === 0) {
      ctx.pricer.missing(
        l.component,
        `${l.resource}: storage`,
        "the logs never expire: what is kept grows every month",
      );
      continue;
    }
    const stored = (gib * l.retentionDays) / 30;
    ctx.pricer.add({
      component: l.component,
      resource: `${l.resource}: storage (${l.retentionDays} days kept)`,
      item: "logs:storage",
      count: once(stored),
      assumption: `${gib} GiB/month ingested, kept ${l.retentionDays} days: ${stored} GiB stored (cost.logIngestionGiB)`,
    });
  }
}

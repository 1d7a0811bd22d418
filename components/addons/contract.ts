/**
 * The add-on contract, declared once: every add-on component extends AddonComponent and ends its
 * constructor with `publish(...)`, so each publishes the same typed record (its namespace, its Helm
 * release, its metrics endpoints) and none re-declares those fields. Below it, what the add-ons
 * hand the workloads (AddonServices).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { IngressSettings, IssuerName } from "./types";

/** A Prometheus scrape target an add-on exposes (turned into a ServiceMonitor by the platform). */
export interface MetricsEndpoint {
  /** Unique name of the ServiceMonitor. */
  name: string;
  namespace: string;
  /** Labels selecting the Service that exposes the metrics. */
  selector: Record<string, string>;
  /** Name of the Service port serving metrics. */
  port: string;
  path?: string;
  /** Query parameters of the scrape (e.g. format=prometheus). */
  params?: Record<string, string[]>;
  /** The release that creates the Service. */
  release: pulumi.Resource;
}

/** What every add-on publishes. */
export interface AddonContract {
  /** The namespace its release installs into. */
  namespace: string;
  /** Its Helm release: what depends on the add-on's objects waits for it. */
  release: k8s.helm.v3.Release;
  /** Its scrape targets (ServiceMonitors once the monitoring add-on runs); empty when it has none. */
  metrics: MetricsEndpoint[];
}

/**
 * The base of every add-on component: the contract's fields read the record given to `publish`.
 * Reading them before `publish` is a programming error, reported with the component's name.
 */
export abstract class AddonComponent extends pulumi.ComponentResource implements AddonContract {
  private published: AddonContract | undefined;
  private readonly componentName: string;

  protected constructor(type: string, name: string, opts?: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);
    this.componentName = `${type} ${name}`;
  }

  /** Completes the component: the contract becomes readable; the namespace and `outputs` are registered. */
  protected publish(contract: AddonContract, outputs: pulumi.Inputs = {}): void {
    this.published = contract;
    this.registerOutputs({ namespace: contract.namespace, ...outputs });
  }

  private get contract(): AddonContract {
    if (!this.published)
      throw new Error(`${this.componentName}: the add-on contract is read before publish()`);
    return this.published;
  }

  get namespace(): string {
    return this.contract.namespace;
  }
  get release(): k8s.helm.v3.Release {
    return this.contract.release;
  }
  get metrics(): MetricsEndpoint[] {
    return this.contract.metrics;
  }
}

/**
 * What the installed add-ons hand the workloads: a field only for what is installed. The ingress
 * controller: its IngressClass, its namespace (allowed in by NetworkPolicy) and which controller it
 * is (F5 NGINX needs HTTP-01 solved inside the app's own Ingress).
 */
export interface IngressService {
  className: string;
  namespace: string;
  controller: IngressSettings["controller"];
}

/** Prometheus' namespace (allowed to scrape) and the release that installs the ServiceMonitor CRD. */
export interface MonitoringService {
  namespace: string;
  release: pulumi.Resource;
}

/**
 * Vault: its address and namespace, and what must run before annotated pods start: the injector
 * (with Vault's CA for the agents in ha mode), and the configuration (the configure Job: the apps'
 * roles and policies and their initial secrets exist), so their agents log in at the first try.
 */
export interface VaultService {
  address: string;
  namespace: string;
  release: pulumi.Resource;
  configured: pulumi.Resource;
}

/**
 * external-dns: what an Ingress depends on so that it is published once it exists, and, on
 * teardown, is deleted while external-dns still runs to remove its records (ExternalDns.settle).
 */
export interface DnsService {
  recordsReady: pulumi.Resource;
}

export interface AddonServices {
  ingress?: IngressService;
  /** With DNS zones (addons.dns). */
  dns?: DnsService;
  /** The ClusterIssuer Ingress TLS certificates come from. */
  clusterIssuer?: IssuerName;
  monitoring?: MonitoringService;
  vault?: VaultService;
}

import { MockTables } from "./types";

/** The load balancer a mocked LoadBalancer Service gets: an address of each kind. */
export const K8S_MOCK = {
  loadBalancerIp: "203.0.113.80",
  loadBalancerHostname: "a0123456789abcdef-0123456789.elb.eu-west-1.amazonaws.com",
};

export const kubernetes: MockTables = {
  resources: {
    /**
     * A Service read with `Service.get` (no spec: the mock monitor's readResource passes no inputs)
     * or registered with type LoadBalancer reports its cloud load balancer, like a real cluster
     * once the load balancer is provisioned; other Services have an empty load balancer status.
     */
    "kubernetes:core/v1:Service": (_name, inputs) => {
      const spec = inputs.spec as { type?: string } | undefined;
      const isLoadBalancer = spec === undefined || spec.type === "LoadBalancer";
      return {
        status: {
          loadBalancer: isLoadBalancer
            ? { ingress: [{ ip: K8S_MOCK.loadBalancerIp, hostname: K8S_MOCK.loadBalancerHostname }] }
            : {},
        },
      };
    },
  },
  calls: {},
};

// `.svclab/cluster.json` (DESIGN.md "Contracts"): how scripts and tests find a running cluster.

export interface ClusterNodeInfo {
  readonly name: string;
  readonly ip: string;
  /** The node's kube-proxy entry (SOCKS5), host:port; null when kube-proxy is not running. */
  readonly proxy: string | null;
}

export interface ClusterInfo {
  readonly kubeconfig: string;
  readonly apiserver: string;
  /** host:port of the cluster DNS; null when it is not running. */
  readonly dns: string | null;
  readonly nodes: readonly ClusterNodeInfo[];
  readonly jaeger: string | null;
  /** svclab extras: where the substrate listens. */
  readonly nats: string;
  readonly redis: string;
}

/** A kubeconfig for `server`; `caCertPEM` (for https) is embedded as certificate-authority-data. */
export function kubeconfigYaml(server: string, token: string, caCertPEM?: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: svclab',
    '  cluster:',
    `    server: ${server}`,
    ...(caCertPEM === undefined ? [] : [`    certificate-authority-data: ${Buffer.from(caCertPEM).toString('base64')}`]),
    'users:',
    '- name: svclab-admin',
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: svclab',
    '  context:',
    '    cluster: svclab',
    '    user: svclab-admin',
    '    namespace: default',
    'current-context: svclab',
    '',
  ].join('\n');
}

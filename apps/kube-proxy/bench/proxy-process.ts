// The data plane under test for dataplane.bench.ts, in its own process (as kube-proxy runs):
// Proxier + UserspaceDataplane with one Service (ClusterIP + NodePort) → the echo pod given in
// argv; prints `{"entry": port, "nodePort": port}` on stdout once synced, exits on SIGTERM.
import { makeEndpointSlice, makeService } from '@svclab/proxy-rules/testing';
import { nopLogger } from '@svclab/telemetry';
import { UserspaceDataplane } from '../src/dataplane/userspace.js';
import { KubeProxyMetrics } from '../src/metrics.js';
import { ProxierHealth } from '../src/proxier-health.js';
import { Proxier } from '../src/proxier.js';

const [nodeIP = '', podIP = '', podPortS = '0', clusterIP = '', nodePortS = '0'] = process.argv.slice(2);
const podPort = Number(podPortS);
const nodePort = Number(nodePortS);
const metrics = new KubeProxyMetrics();
const dp = new UserspaceDataplane({ nodeName: 'node-99', nodeIP, entryPort: 0, conntrackMax: 0, metrics, logger: nopLogger });
const entry = await dp.start();
const proxier = new Proxier({ mode: 'iptables', nodeName: 'node-99', nodeIP, clusterCIDR: '127.244.0.0/16', minSyncPeriodMs: 0, syncPeriodMs: 3_600_000, dataplane: dp, metrics, health: new ProxierHealth(60_000), logger: nopLogger });
proxier.onServiceUpdate(undefined, makeService('default', 'echo', { spec: { type: 'NodePort', clusterIP, ports: [{ name: 'http', port: 80, targetPort: podPort, nodePort, protocol: 'TCP' }] } }));
proxier.onEndpointSliceUpdate(undefined, makeEndpointSlice('default', 'echo', { endpoints: [{ addresses: [podIP], nodeName: 'node-99', conditions: { ready: true } }], ports: [{ name: 'http', port: podPort, protocol: 'TCP' }] }));
proxier.onServicesSynced();
proxier.onEndpointSlicesSynced();
await proxier.syncProxyRules();
process.stdout.write(`${JSON.stringify({ entry: entry.port, nodePort })}\n`);
process.once('SIGTERM', () => {
  void dp.close().then(() => process.exit(0));
});

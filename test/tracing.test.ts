// End to end: ONE change travels as ONE trace. An OTLP/HTTP receiver on loopback collects the spans
// (the exporter in @svclab/telemetry is exporter-trace-otlp-http: JSON bodies) of the BUILT
// apiserver, endpointslice-controller, dns and one kube-proxy; the test writes a Service, a Pod and
// the Pod's ready status under one traceparent, and checks that the trace holds spans of every
// component, each parented on the write that caused it.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { freePort, startNats, startProcess, startRedis, waitForPort, type ManagedProcess, type NatsServer, type RedisServer } from '@svclab/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const mains = {
  apiserver: join(root, 'apps/apiserver/dist/main.js'),
  esc: join(root, 'apps/endpointslice-controller/dist/main.js'),
  dns: join(root, 'apps/dns/dist/main.js'),
  kubeProxy: join(root, 'apps/kube-proxy/dist/main.js'),
};
const NODE = { name: 'trace-node-1', ip: '127.0.1.211' };

interface CollectedSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  readonly links: readonly { traceId: string; spanId: string }[];
}

/** OTLP/JSON ids are hex; tolerate base64 (protobuf JSON mapping) too. */
function hexId(v: unknown): string {
  if (typeof v !== 'string' || v === '') return '';
  return /^[0-9a-f]+$/i.test(v) && (v.length === 32 || v.length === 16) ? v.toLowerCase() : Buffer.from(v, 'base64').toString('hex');
}

interface OtlpAttr { key: string; value: { stringValue?: string } }
interface OtlpSpan { traceId: string; spanId: string; parentSpanId?: string; name: string; links?: { traceId: string; spanId: string }[] }
interface OtlpBody { resourceSpans?: { resource?: { attributes?: OtlpAttr[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[] }

function startReceiver(spans: CollectedSpan[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces' && (req.headers['content-type'] ?? '').includes('json')) {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpBody;
        for (const rs of body.resourceSpans ?? []) {
          const service = rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
          for (const ss of rs.scopeSpans ?? []) {
            for (const s of ss.spans ?? []) {
              spans.push({
                service,
                traceId: hexId(s.traceId),
                spanId: hexId(s.spanId),
                parentSpanId: hexId(s.parentSpanId),
                name: s.name,
                links: (s.links ?? []).map((l) => ({ traceId: hexId(l.traceId), spanId: hexId(l.spanId) })),
              });
            }
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  return new Promise((r) => {
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      r({ server, url: `http://127.0.0.1:${typeof a === 'object' && a !== null ? a.port : 0}` });
    });
  });
}

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const built = Object.values(mains).slice(0, 3).every((m) => existsSync(m));

describe.skipIf(!built)('one trace per change', () => {
  const spans: CollectedSpan[] = [];
  let receiver: Server;
  let nats: NatsServer;
  let redis: RedisServer;
  const procs: ManagedProcess[] = [];
  let api = '';
  const traceId = randomBytes(16).toString('hex');
  const testSpanId = randomBytes(8).toString('hex');
  const kubeProxyBuilt = existsSync(mains.kubeProxy);

  const write = async (method: string, path: string, body: unknown): Promise<unknown> => {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${testSpanId}-01` },
      body: JSON.stringify(body),
    });
    const out = (await res.json()) as unknown;
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(out)}`);
    return out;
  };

  const inTrace = (): CollectedSpan[] => spans.filter((s) => s.traceId === traceId);

  beforeAll(async () => {
    const r = await startReceiver(spans);
    receiver = r.server;
    [nats, redis] = await Promise.all([startNats(), startRedis()]);
    const [apiPort, escPort, dnsPort, dnsHttp, kpEntry, kpHz] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
    api = `http://127.0.0.1:${apiPort}`;
    const otel = (service: string): string[] => [`OTEL_EXPORTER_OTLP_ENDPOINT=${r.url}`, 'OTEL_BSP_SCHEDULE_DELAY=200', `OTEL_SERVICE_NAME=${service}`, 'OTEL_TRACES_SAMPLER=always_on'];
    const common = [`APISERVER_URL=${api}`, `NATS_URL=${nats.url}`, 'LOG_LEVEL=warn'];
    procs.push(startProcess('env', [`REDIS_URL=${redis.url}`, ...common, ...otel('apiserver'), process.execPath, mains.apiserver, '--bind-address=127.0.0.1', `--secure-port=${apiPort}`, '--service-cluster-ip-range=127.96.0.0/12']));
    await waitForPort('127.0.0.1', apiPort, 30_000);
    await until('apiserver ready', async () => ((await fetch(`${api}/readyz`)).status === 200 ? true : undefined));
    procs.push(startProcess('env', [...common, ...otel('endpointslice-controller'), process.execPath, mains.esc, '--metrics-bind-address', `127.0.0.1:${escPort}`]));
    procs.push(startProcess('env', [...common, ...otel('dns'), process.execPath, mains.dns, '--dns-address', `127.0.0.1:${dnsPort}`, '--http-address', `127.0.0.1:${dnsHttp}`]));
    if (kubeProxyBuilt) {
      procs.push(startProcess('env', [
        ...common, ...otel(`kube-proxy-${NODE.name}`), `NODE_NAME=${NODE.name}`, `NODE_IP=${NODE.ip}`,
        process.execPath, mains.kubeProxy, '--proxy-mode=iptables', '--min-sync-period=200ms', '--cluster-cidr=127.244.0.0/16',
        `--node-entry-port=${kpEntry}`, `--healthz-bind-address=${NODE.ip}:${kpHz}`, `--metrics-bind-address=${NODE.ip}:${kpHz}`,
      ]));
    }
    await until('endpointslice-controller ready', async () => ((await fetch(`http://127.0.0.1:${escPort}/readyz`)).status === 200 ? true : undefined));
    await until('dns ready', async () => ((await fetch(`http://127.0.0.1:${dnsHttp}/ready`)).status === 200 ? true : undefined));
    if (kubeProxyBuilt) await until('kube-proxy ready', async () => ((await fetch(`http://${NODE.ip}:${kpHz}/readyz`)).status === 200 ? true : undefined));

    // The change, under the test's traceparent: a Service, a Pod behind it, the Pod's ready status.
    await write('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE.name } });
    await write('POST', '/api/v1/namespaces/default/services', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'traced' },
      spec: { selector: { app: 'traced' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    });
    const pod = (await write('POST', '/api/v1/namespaces/default/pods', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'traced-1', labels: { app: 'traced' } },
      spec: { nodeName: NODE.name, containers: [{ name: 'c', image: 'svclab/echo', ports: [{ containerPort: 8080 }] }] },
    })) as { metadata: Record<string, unknown> };
    await write('PUT', '/api/v1/namespaces/default/pods/traced-1/status', {
      ...pod,
      status: { phase: 'Running', podIP: '127.244.1.5', podIPs: [{ ip: '127.244.1.5' }], conditions: [{ type: 'Ready', status: 'True' }] },
    });
  });

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop(10_000)));
    await Promise.all([nats.stop(), redis.stop()]);
    await new Promise<void>((r) => receiver.close(() => { r(); }));
  });

  it('holds the apiserver request spans (with their Redis storage spans) under the test span', async () => {
    const roots = await until('the four test writes', () => {
      const r = inTrace().filter((s) => s.service === 'apiserver' && s.parentSpanId === testSpanId);
      return r.length >= 4 ? r : undefined;
    });
    expect(roots.map((s) => s.name).sort()).toEqual([
      'POST /api/v1/namespaces/{namespace}/pods',
      'POST /api/v1/namespaces/{namespace}/services',
      'POST /api/v1/nodes',
      'PUT /api/v1/namespaces/{namespace}/pods/{name}/status',
    ]);
    const apiserver = inTrace().filter((s) => s.service === 'apiserver');
    const ids = new Set(apiserver.map((s) => s.spanId));
    expect(apiserver.some((s) => s.name.startsWith('storage.create') && ids.has(s.parentSpanId))).toBe(true);
  });

  it('parents the controller sync on the write whose event enqueued it, and its EndpointSlice write on the sync', async () => {
    const slicePost = await until('EndpointSlice write in the trace', () => {
      const sync = inTrace().filter((s) => s.service === 'endpointslice-controller' && s.name === 'endpointslice-controller.syncService');
      const syncIds = new Set(sync.map((s) => s.spanId));
      return inTrace().find((s) => s.service === 'apiserver' && s.name.startsWith('POST') && syncIds.has(s.parentSpanId));
    });
    const all = inTrace();
    const sync = all.find((s) => s.spanId === slicePost.parentSpanId);
    const cause = all.find((s) => s.spanId === sync?.parentSpanId);
    expect(cause?.service).toBe('apiserver');
    expect(cause?.parentSpanId).toBe(testSpanId);
  });

  it('parents the DNS cache update of the EndpointSlice on the controller write', async () => {
    const dnsSpan = await until('dns span in the trace', () => inTrace().find((s) => s.service === 'dns' && s.name === 'dns.kubernetes update EndpointSlice'));
    const parent = inTrace().find((s) => s.spanId === dnsSpan.parentSpanId);
    expect(parent?.service).toBe('apiserver');
    const grand = inTrace().find((s) => s.spanId === parent?.parentSpanId);
    expect(grand?.service).toBe('endpointslice-controller');
    expect(inTrace().some((s) => s.service === 'dns' && s.name === 'dns.kubernetes update Service')).toBe(true);
  });

  // kube-proxy's sync span joins the change's trace two ways: it is a child of the write whose event
  // armed the BoundedFrequencyRunner timer (AsyncLocalStorage carries that context into the timer),
  // and it links to the write of every change it applied (a sync may batch changes of several traces).
  it.skipIf(!kubeProxyBuilt)('has a kube-proxy sync span parented on or linked to a write of the change', async () => {
    const apiserverSpan = (id: string): boolean => inTrace().some((s) => s.spanId === id && s.service === 'apiserver');
    const kp = await until('kube-proxy sync span parented on or linked to the change', () =>
      spans.find(
        (s) =>
          s.service.startsWith('kube-proxy') &&
          s.name === 'kube-proxy syncProxyRules' &&
          ((s.traceId === traceId && apiserverSpan(s.parentSpanId)) ||
            s.links.some((l) => l.traceId === traceId && apiserverSpan(l.spanId))),
      ),
    );
    expect(kp.service.startsWith('kube-proxy')).toBe(true);
  });
});

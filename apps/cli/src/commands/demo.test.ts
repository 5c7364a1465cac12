import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@svclab/api';
import { newAlreadyExists } from '@svclab/apimachinery';
import type { ClientSet } from '@svclab/client';
import { applyObjects, demoObjects, objectRef, parseDemoArgs } from './demo.js';

function labelsOf(o: KubeObject): Record<string, string> {
  return (o as unknown as { spec: { template: { metadata: { labels: Record<string, string> } } } }).spec.template.metadata.labels;
}

describe('svclab demo', () => {
  it.each([
    { name: 'defaults', argv: [], want: { servicesOnly: false, dryRun: false } },
    { name: 'flags', argv: ['--services-only', '--dry-run'], want: { servicesOnly: true, dryRun: true } },
  ])('parses $name', ({ argv, want }) => {
    expect(parseDemoArgs(argv)).toEqual(want);
  });

  it('applies the namespace first, then every seed Service and the workloads', () => {
    const objs = demoObjects({ servicesOnly: false, dryRun: false });
    expect(objectRef(objs[0] as KubeObject)).toBe('namespace/production');
    const refs = objs.map(objectRef);
    for (const s of ['my-app', 'my-app-named', 'backend', 'web', 'web-lb', 'external-db', 'cassandra', 'legacy-db', 'sticky', 'my-app-multi', 'web-external-ip', 'web-local', 'node-cache']) {
      expect(refs).toContain(`service/${s}`);
    }
    expect(refs).toContain('endpoints/legacy-db');
    expect(refs).toContain('statefulset/cassandra');
    expect(demoObjects({ servicesOnly: true, dryRun: false }).some((o) => o.kind === 'Deployment')).toBe(false);
  });

  it('backs every selector Service with pods whose labels match and whose ports serve the targetPorts', () => {
    const objs = demoObjects({ servicesOnly: false, dryRun: false });
    const workloads = objs.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
    type Svc = { metadata: { name: string }; spec: { selector?: Record<string, string>; ports?: { port: number; targetPort?: number | string }[] } };
    type Port = { name?: string; containerPort: number };
    for (const svc of objs.filter((o) => o.kind === 'Service') as unknown as Svc[]) {
      const sel = svc.spec.selector;
      if (sel === undefined) continue;
      const backing = workloads.filter((w) => Object.entries(sel).every(([k, v]) => labelsOf(w)[k] === v));
      expect(backing.length, `pods for service/${svc.metadata.name}`).toBeGreaterThan(0);
      for (const w of backing) {
        const ports = (w as unknown as { spec: { template: { spec: { containers: { ports: Port[] }[] } } } }).spec.template.spec.containers.flatMap((c) => c.ports);
        for (const p of svc.spec.ports ?? []) {
          const tp = p.targetPort ?? p.port;
          expect(ports.some((cp) => (typeof tp === 'number' ? cp.containerPort === tp : cp.name === tp)), `${svc.metadata.name} targetPort ${String(tp)}`).toBe(true);
        }
      }
    }
  });

  it('reports created and unchanged objects through the client', async () => {
    const created: string[] = [];
    const fake = {
      resource: () => ({
        namespace: () => ({
          create: (o: KubeObject) => {
            if (o.metadata.name === 'web') return Promise.reject(newAlreadyExists({ group: '', resource: 'services' }, 'web'));
            created.push(objectRef(o));
            return Promise.resolve(o);
          },
        }),
      }),
    } as unknown as ClientSet;
    let out = '';
    const svc = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'production' } });
    const code = await applyObjects(fake, [svc('my-app'), svc('web')], { stdout: (s) => (out += s), stderr: (s) => (out += s) });
    expect(code).toBe(0);
    expect(out).toBe('service/my-app created\nservice/web unchanged\n');
  });
});

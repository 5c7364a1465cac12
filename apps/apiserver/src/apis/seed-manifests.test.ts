// Every object of the shared seed manifests (reference/seed-services.yaml, applied by the e2e
// kubectl test) must pass defaulting + allocation + validation unchanged.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resourceByKind, type KubeObject, type ResourceName, type Service } from '@svclab/api';
import { fieldErrorString } from '@svclab/apimachinery';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { initIPFamilyFields, setDefaults, validateCreate } from './index.js';

const seed = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../../shared/reference/seed-services.yaml',
);

/** What the registry's allocator step does before validation. */
function allocate(svc: Service, n: number): void {
  const spec = svc.spec ?? {};
  expect(initIPFamilyFields(svc, undefined, ['IPv4'])).toEqual([]);
  if (spec.type !== 'ExternalName' && (spec.clusterIP ?? '') === '') {
    spec.clusterIP = `10.96.1.${n}`;
    spec.clusterIPs = [spec.clusterIP];
  }
  if (
    spec.type === 'NodePort' ||
    (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false)
  ) {
    (spec.ports ?? []).forEach((p, i) => (p.nodePort ??= 30100 + n * 10 + i));
  }
  if (spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local')
    spec.healthCheckNodePort ??= 32000 + n;
}

const docs = existsSync(seed)
  ? parseAllDocuments(readFileSync(seed, 'utf8'))
      .map((d) => d.toJSON() as KubeObject | null)
      .filter((o): o is KubeObject => o !== null)
  : [];

describe.skipIf(docs.length === 0)('seed manifests are valid', () => {
  it.each(
    docs.map((obj, i) => ({
      name: `${obj.kind ?? '?'} ${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`,
      obj,
      i,
    })),
  )('$name', ({ obj, i }) => {
    const info = resourceByKind(obj.apiVersion ?? '', obj.kind ?? '');
    expect(info).toBeDefined();
    const resource = info?.resource as ResourceName;
    if (info?.namespaced === true) obj.metadata.namespace ??= 'default';
    setDefaults(resource, obj);
    if (resource === 'services') allocate(obj as Service, i);
    expect(validateCreate(resource, obj).map(fieldErrorString)).toEqual([]);
  });
});

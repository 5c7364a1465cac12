import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject, ResourceName } from '@svclab/api';
import { SharedInformerFactory } from '@svclab/client';
import { FakeListerWatcher } from '@svclab/client/testing';
import { QType, RcodeName } from './plugin.js';
import { dnsResources, wireInformers } from './informer-source.js';
import type { DnsController } from './plugins/kubernetes/controller.js';
import { answer } from './plugins/kubernetes/handler.js';
import { kubernetesOptions, PodMode } from './plugins/kubernetes/setup.js';
import { namespace, pod, service, slice } from './testing/fixtures.js';

async function eventually(f: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!f()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const T = 'prod.svc.cluster.local';
const opts = kubernetesOptions({ pods: PodMode.Verified });
const ask = (c: DnsController, qname: string): { rcode: string; data: string[] } => {
  const a = answer({ qname, qtype: QType.A }, c, opts);
  if (a.kind !== 'reply') return { rcode: 'next', data: [] };
  return {
    rcode: RcodeName[a.reply.rcode] ?? '',
    data: a.reply.answers.flatMap((r) => (r.type === 'A' ? [r.data] : [])),
  };
};

describe('informer source', () => {
  let stop = new AbortController();
  afterEach(() => {
    stop.abort();
    stop = new AbortController();
  });

  it('picks informers from the options', () => {
    expect(dnsResources(kubernetesOptions())).toEqual(['services', 'namespaces', 'endpointslices']);
    expect(dnsResources(kubernetesOptions({ noEndpoints: true, pods: PodMode.Verified }))).toEqual([
      'services',
      'namespaces',
      'pods',
    ]);
  });

  it('answers from the informer caches, follows changes and relists', async () => {
    const sources: Partial<Record<ResourceName, FakeListerWatcher<KubeObject>>> = {
      services: new FakeListerWatcher<KubeObject>([
        service('prod', 'web', { clusterIP: '10.0.0.1', ports: [{ name: 'http', port: 80 }] }),
      ]),
      namespaces: new FakeListerWatcher<KubeObject>([namespace('prod')]),
      endpointslices: new FakeListerWatcher<KubeObject>([
        slice({ ns: 'prod', name: 'db-1', svc: 'db' }, [{ ip: '10.1.0.1' }]),
      ]),
      pods: new FakeListerWatcher<KubeObject>([pod('prod', 'p', '10.244.0.7')]),
    };
    const factory = new SharedInformerFactory({
      newListerWatcher: (r) => {
        const s = sources[r];
        if (!s) throw new Error(`unexpected informer ${r}`);
        return s;
      },
    });
    const c = wireInformers(factory, opts);
    expect(c.synced()).toBe(false);
    expect(ask(c, `nope.${T}`).rcode).toBe('SERVFAIL');
    factory.start(stop.signal);
    await eventually(() => c.synced(), 'sync');
    expect(ask(c, `web.${T}`)).toEqual({ rcode: 'NOERROR', data: ['10.0.0.1'] });
    expect(ask(c, `10-244-0-7.prod.pod.cluster.local`)).toEqual({
      rcode: 'NOERROR',
      data: ['10.244.0.7'],
    });
    expect(ask(c, `nope.${T}`).rcode).toBe('NXDOMAIN');

    sources.services?.add(
      service('prod', 'db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] }),
    );
    await eventually(() => ask(c, `db.${T}`).rcode === 'NOERROR', 'headless service added');
    expect(ask(c, `db.${T}`).data).toEqual(['10.1.0.1']);

    sources.services?.delete(service('prod', 'web', {}));
    await eventually(() => ask(c, `web.${T}`).rcode === 'NXDOMAIN', 'service deleted');

    // A delete the watch never delivered is found by the relist (DeletedFinalStateUnknown).
    sources.endpointslices?.deleteDropWatch(slice({ ns: 'prod', name: 'db-1', svc: 'db' }, []));
    sources.endpointslices?.resetWatch();
    await eventually(() => ask(c, `db.${T}`).rcode === 'NXDOMAIN', 'relist removes the slice');
  });
});

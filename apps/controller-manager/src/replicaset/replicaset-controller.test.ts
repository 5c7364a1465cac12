// Component test: the ReplicaSet and Deployment controllers on a fake clientset whose tracker
// feeds the informers, so the controllers see their own writes (and nothing else).
import { describe, expect, it } from 'vitest';
import type { Deployment, ReplicaSet } from '@svclab/api';
import { SharedInformerFactory } from '@svclab/client';
import { newFakeClientSet } from '@svclab/client/testing';
import { nopLogger } from '@svclab/telemetry';
import { DeploymentController } from '../deployment/deployment-controller.js';
import { ReplicaSetController } from './replicaset-controller.js';

const template = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image: 'svclab/echo' }] },
};

function rs(replicas: number): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web', namespace: 'default', uid: 'rs-uid', generation: 1 },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template },
  };
}

function deployment(replicas: number): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'd-uid', generation: 1 },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template },
  };
}

async function until(what: string, fn: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ReplicaSetController', () => {
  it.each([
    { name: 'creates the missing pods exactly once', replicas: 3 },
    { name: 'zero replicas creates nothing', replicas: 0 },
  ])('$name', async ({ replicas }) => {
    const cs = newFakeClientSet([{ resource: 'replicasets', object: rs(replicas) }]);
    const factory = new SharedInformerFactory({
      newListerWatcher: (r, ns) => cs.tracker.listerWatcher(r, ns),
    });
    const c = new ReplicaSetController({ factory, client: cs, logger: nopLogger });
    const ac = new AbortController();
    factory.start(ac.signal);
    await factory.waitForCacheSync(ac.signal);
    const running = c.run(ac.signal);
    const status = async (): Promise<ReplicaSet['status']> =>
      (await cs.resource('replicasets').namespace('default').get('web')).status;
    let st: ReplicaSet['status'];
    await until('status written', () => {
      void status().then((s) => (st = s));
      return st?.replicas === replicas && st.observedGeneration === 1;
    });
    const creates = cs.actions().filter((a) => a.verb === 'create' && a.resource === 'pods');
    expect(creates).toHaveLength(replicas);
    const pods = (await cs.resource('pods').namespace('default').list()).items;
    expect(pods).toHaveLength(replicas);
    for (const p of pods) {
      expect(p.metadata.labels).toEqual({ app: 'web' });
      expect(p.metadata.ownerReferences?.[0]).toMatchObject({
        kind: 'ReplicaSet',
        name: 'web',
        uid: 'rs-uid',
        controller: true,
      });
    }
    ac.abort();
    await running;
    await factory.shutdown();
  });
});

describe('DeploymentController + ReplicaSetController', () => {
  it('a new Deployment gets a ReplicaSet named by its template hash and its pods', async () => {
    const cs = newFakeClientSet([{ resource: 'deployments', object: deployment(2) }]);
    const factory = new SharedInformerFactory({
      newListerWatcher: (r, ns) => cs.tracker.listerWatcher(r, ns),
    });
    const d = new DeploymentController({ factory, client: cs, logger: nopLogger });
    const r = new ReplicaSetController({ factory, client: cs, logger: nopLogger });
    const ac = new AbortController();
    factory.start(ac.signal);
    await factory.waitForCacheSync(ac.signal);
    const running = Promise.all([d.run(ac.signal), r.run(ac.signal)]);
    let sets: ReplicaSet[] = [];
    let podCount = 0;
    await until('2 pods', () => {
      void cs
        .resource('replicasets')
        .namespace('default')
        .list()
        .then((l) => (sets = l.items));
      void cs
        .resource('pods')
        .namespace('default')
        .list()
        .then((l) => (podCount = l.items.length));
      return podCount === 2 && sets.length === 1;
    });
    const set = sets[0];
    expect(set?.metadata.name).toMatch(/^web-[a-z0-9]+$/);
    expect(set?.spec?.replicas).toBe(2);
    expect(set?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect(set?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'Deployment',
      uid: 'd-uid',
      controller: true,
    });
    ac.abort();
    await running;
    await factory.shutdown();
  });
});

import type { Service } from '@svclab/api';
import { describe, expect, it } from 'vitest';
import { ServiceChangeTracker } from './service-change-tracker.js';

function svc(name: string, port: number, rv = '1'): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'ns', resourceVersion: rv },
    spec: { clusterIP: '127.96.0.10', ports: [{ port, protocol: 'TCP' }] },
  };
}

type Step = readonly [Service | undefined, Service | undefined];

interface Case {
  readonly name: string;
  readonly steps: readonly Step[];
  readonly pending: Record<string, { previous: number | undefined; current: number | undefined }>;
}

const a80 = svc('a', 80);
const a81 = svc('a', 81, '2');
const a82 = svc('a', 82, '3');
const b80 = svc('b', 80);
const port = (s: Service | undefined): number | undefined => s?.spec?.ports?.[0]?.port;

const cases: Case[] = [
  { name: 'add', steps: [[undefined, a80]], pending: { 'ns/a': { previous: undefined, current: 80 } } },
  { name: 'add then delete cancels out', steps: [[undefined, a80], [a80, undefined]], pending: {} },
  { name: 'updates keep the first previous and the last current', steps: [[a80, a81], [a81, a82]], pending: { 'ns/a': { previous: 80, current: 82 } } },
  { name: 'update and back cancels out', steps: [[a80, a81], [a81, svc('a', 80, '9')]], pending: {} },
  { name: 'resync with an equal object is no change', steps: [[a80, svc('a', 80, '1')]], pending: {} },
  { name: 'metadata-only change is no change', steps: [[a80, svc('a', 80, '7')]], pending: {} },
  { name: 'delete', steps: [[a80, undefined]], pending: { 'ns/a': { previous: 80, current: undefined } } },
  {
    name: 'two services tracked apart',
    steps: [[undefined, a80], [undefined, b80], [a80, a81]],
    pending: { 'ns/a': { previous: undefined, current: 81 }, 'ns/b': { previous: undefined, current: 80 } },
  },
];

describe('ServiceChangeTracker', () => {
  it.each(cases)('$name', ({ steps, pending }) => {
    const t = new ServiceChangeTracker();
    for (const [p, c] of steps) t.update(p, c);
    expect(t.pending()).toBe(Object.keys(pending).length);
    const out = t.checkout();
    const got = Object.fromEntries([...out].map(([k, ch]) => [k, { previous: port(ch.previous), current: port(ch.current) }]));
    expect(got).toEqual(pending);
    expect(t.pending()).toBe(0);
    expect(t.checkout().size).toBe(0);
  });

  it('returns whether a change is pending', () => {
    const t = new ServiceChangeTracker();
    expect(t.update(undefined, a80)).toBe(true);
    expect(t.update(a80, undefined)).toBe(false);
  });
});

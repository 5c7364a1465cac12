import type { EndpointSlice } from '@svclab/api';
import { describe, expect, it } from 'vitest';
import { EndpointsChangeTracker, serviceKeyOfSlice } from './endpoints-change-tracker.js';

const now = Date.parse('2026-01-01T00:00:10Z');

function slice(name: string, svc: string | undefined, ips: string[], trigger?: string, ready = true): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name,
      namespace: 'ns',
      ...(svc === undefined ? {} : { labels: { 'kubernetes.io/service-name': svc } }),
      ...(trigger === undefined ? {} : { annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': trigger } }),
    },
    addressType: 'IPv4',
    endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready } })),
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  };
}

type Step = readonly [EndpointSlice | undefined, EndpointSlice | undefined];

interface Case {
  readonly name: string;
  readonly steps: readonly Step[];
  /** service key → changed slice keys */
  readonly slices: Record<string, string[]>;
  readonly triggers?: Record<string, string[]>;
}

const s1 = slice('web-1', 'web', ['127.244.1.10']);
const s1b = slice('web-1', 'web', ['127.244.1.10', '127.244.1.11'], '2026-01-01T00:00:05Z');
const s1c = slice('web-1', 'web', ['127.244.1.10'], '2026-01-01T00:00:03Z', false);
const s2 = slice('web-2', 'web', ['127.244.2.10'], '2026-01-01T00:00:01Z');
const other = slice('db-1', 'db', ['127.244.1.20']);

const cases: Case[] = [
  { name: 'add', steps: [[undefined, s1]], slices: { 'ns/web': ['ns/web-1'] } },
  { name: 'slices of one service aggregate', steps: [[undefined, s1], [undefined, s2]], slices: { 'ns/web': ['ns/web-1', 'ns/web-2'] }, triggers: { 'ns/web': ['2026-01-01T00:00:01.000Z'] } },
  { name: 'add then delete cancels out', steps: [[undefined, s1], [s1, undefined]], slices: {} },
  { name: 'equal resync is no change', steps: [[s1, slice('web-1', 'web', ['127.244.1.10'])]], slices: {} },
  { name: 'update back to the original cancels out', steps: [[s1, s1b], [s1b, s1]], slices: {} },
  {
    name: 'trigger times are collected oldest first',
    steps: [[s1, s1b], [s1b, s1c], [undefined, s2]],
    slices: { 'ns/web': ['ns/web-1', 'ns/web-2'] },
    triggers: { 'ns/web': ['2026-01-01T00:00:01.000Z', '2026-01-01T00:00:03.000Z', '2026-01-01T00:00:05.000Z'] },
  },
  { name: 'slices without a service label are ignored', steps: [[undefined, slice('x', undefined, ['127.244.1.1'])]], slices: {} },
  { name: 'services tracked apart', steps: [[undefined, s1], [undefined, other]], slices: { 'ns/web': ['ns/web-1'], 'ns/db': ['ns/db-1'] } },
  { name: 'future trigger times are ignored', steps: [[undefined, slice('web-9', 'web', ['127.244.1.9'], '2027-01-01T00:00:00Z')]], slices: { 'ns/web': ['ns/web-9'] } },
];

describe('EndpointsChangeTracker', () => {
  it.each(cases)('$name', ({ steps, slices, triggers }) => {
    const t = new EndpointsChangeTracker(() => now);
    for (const [p, c] of steps) t.update(p, c);
    expect(t.pending()).toBe(Object.keys(slices).length);
    const out = t.checkout();
    expect(Object.fromEntries([...out].map(([k, e]) => [k, [...e.slices.keys()].sort()]))).toEqual(slices);
    const gotTriggers = Object.fromEntries([...out].filter(([, e]) => e.triggerTimes.length > 0).map(([k, e]) => [k, e.triggerTimes.map((ms) => new Date(ms).toISOString())]));
    expect(gotTriggers).toEqual(triggers ?? {});
    expect(t.pending()).toBe(0);
  });

  it.each([
    { name: 'labelled', s: s1, want: 'ns/web' },
    { name: 'unlabelled', s: slice('x', undefined, []), want: undefined },
  ])('serviceKeyOfSlice $name', ({ s, want }) => {
    expect(serviceKeyOfSlice(s)).toBe(want);
  });
});

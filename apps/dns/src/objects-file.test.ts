import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';
import { parseObjects, reloadObjects, staticSource } from './objects-file.js';

describe('parseObjects', () => {
  it.each([
    {
      name: 'multi-document YAML, other kinds skipped',
      text: 'apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: x}\nspec: {clusterIP: 10.0.0.1}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n',
      kinds: ['Service'],
    },
    {
      name: 'kind: List (JSON)',
      text: JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } },
          { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'x' } },
        ],
      }),
      kinds: ['Namespace', 'Pod'],
    },
    { name: 'empty', text: '', kinds: [] },
  ])('$name', ({ text, kinds }) => {
    expect(parseObjects(text).map((o) => o.kind)).toEqual(kinds);
  });

  it('rejects broken YAML', () => {
    expect(() => parseObjects('a: [')).toThrow();
  });

  it('reloads: removed objects go, changed ones change, new ones come', () => {
    const v1 = parseObjects(
      'kind: Service\napiVersion: v1\nmetadata: {name: a, namespace: prod}\nspec: {clusterIP: 10.0.0.1}\n---\nkind: Service\napiVersion: v1\nmetadata: {name: b, namespace: prod}\nspec: {clusterIP: 10.0.0.2}\n',
    );
    const s = staticSource(v1);
    const v2 = parseObjects(
      'kind: Service\napiVersion: v1\nmetadata: {name: a, namespace: prod}\nspec: {clusterIP: 10.0.0.9}\n---\nkind: Service\napiVersion: v1\nmetadata: {name: c, namespace: dev}\nspec: {clusterIP: 10.0.0.3}\n',
    );
    reloadObjects(s, v1, v2);
    expect(s.serviceByName('prod', 'a')?.clusterIPs).toEqual(['10.0.0.9']);
    expect(s.serviceByName('prod', 'b')).toBeUndefined();
    expect(s.serviceByName('dev', 'c')?.clusterIPs).toEqual(['10.0.0.3']);
    expect(s.namespaceExists('dev')).toBe(true);
  });

  it('implies the namespaces of the objects', () => {
    const s = staticSource(
      parseObjects(
        'kind: Service\napiVersion: v1\nmetadata: {name: a, namespace: prod}\nspec: {clusterIP: 10.0.0.1}\n',
      ),
    );
    expect(s.namespaceExists('prod')).toBe(true);
    expect(s.namespaceExists('default')).toBe(true);
    expect(s.namespaceExists('other')).toBe(false);
    expect(s.synced()).toBe(true);
  });
});

describe('parseConfig', () => {
  it.each([
    {
      name: 'defaults',
      argv: [],
      want: { dns: { host: '127.0.0.1', port: 1053 }, upstreams: [], cacheTTL: 3600, log: false },
      k8s: {
        zones: ['cluster.local', 'in-addr.arpa', 'ip6.arpa'],
        ttl: 5,
        pods: 'disabled',
        fallthrough: ['in-addr.arpa', 'ip6.arpa'],
      },
    },
    {
      name: 'CoreDNS options',
      argv: [
        '--dns-address',
        '127.0.0.1:0',
        '--ttl',
        '30',
        '--pods',
        'verified',
        '--namespaces',
        'a,b',
        '--endpoint-pod-names',
        '--noendpoints',
        '--ignore-empty-service',
        '--fallthrough',
        '.',
        '--upstream',
        '127.0.0.1:5300,127.0.0.1:5301',
      ],
      want: {
        dns: { host: '127.0.0.1', port: 0 },
        upstreams: ['127.0.0.1:5300', '127.0.0.1:5301'],
      },
      k8s: {
        ttl: 30,
        pods: 'verified',
        namespaces: ['a', 'b'],
        endpointPodNames: true,
        noEndpoints: true,
        ignoreEmptyService: true,
        fallthrough: [],
      },
    },
    {
      name: 'no fallthrough',
      argv: ['--no-fallthrough'],
      want: {},
      k8s: { fallthrough: undefined },
    },
    {
      name: 'zone',
      argv: ['--zone', 'Example.Test.', '--reverse-zones', ''],
      want: {},
      k8s: { zones: ['example.test'] },
    },
  ])('$name', ({ argv, want, k8s }) => {
    const c = parseConfig(argv, {});
    expect(c).toMatchObject(want);
    expect(c.kubernetes).toMatchObject(k8s);
  });

  it.each([
    { argv: ['--ttl', '4000'], err: /ttl/ },
    { argv: ['--pods', 'maybe'], err: /pods/ },
    { argv: ['--bogus'], err: /bogus/ },
  ])('rejects $argv', ({ argv, err }) => {
    expect(() => parseConfig(argv, {})).toThrow(err);
  });
});

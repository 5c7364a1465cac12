import type { IPFamily, Service } from '@svclab/api';
import { fieldErrorString } from '@svclab/apimachinery';
import { describe, expect, it } from 'vitest';
import { initIPFamilyFields } from './ip-families.js';
import { setServiceDefaults } from './service-defaults.js';

function svc(spec: Service['spec']): Service {
  const s: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80 }], ...spec },
  };
  setServiceDefaults(s);
  return s;
}

const v4: IPFamily[] = ['IPv4'];
const dual: IPFamily[] = ['IPv4', 'IPv6'];

describe('initIPFamilyFields', () => {
  it.each<{
    name: string;
    spec: Service['spec'];
    cluster: IPFamily[];
    want: string[];
    families?: IPFamily[];
    policy?: string;
  }>([
    {
      name: 'default single stack',
      spec: {},
      cluster: v4,
      want: [],
      families: ['IPv4'],
      policy: 'SingleStack',
    },
    {
      name: 'infer IPv6 from the IP',
      spec: { clusterIP: 'fd00::10' },
      cluster: ['IPv6', 'IPv4'],
      want: [],
      families: ['IPv6'],
      policy: 'SingleStack',
    },
    {
      name: 'PreferDualStack on single-stack cluster',
      spec: { ipFamilyPolicy: 'PreferDualStack' },
      cluster: v4,
      want: [],
      families: ['IPv4'],
    },
    {
      name: 'PreferDualStack on dual-stack cluster',
      spec: { ipFamilyPolicy: 'PreferDualStack' },
      cluster: dual,
      want: [],
      families: ['IPv4', 'IPv6'],
    },
    {
      name: 'RequireDualStack with IPv6 first',
      spec: { ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv6'] },
      cluster: dual,
      want: [],
      families: ['IPv6', 'IPv4'],
    },
    {
      name: 'RequireDualStack on single-stack cluster',
      spec: { ipFamilyPolicy: 'RequireDualStack' },
      cluster: v4,
      want: [
        'spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services',
      ],
    },
    {
      name: 'SingleStack with two IPs',
      spec: {
        clusterIP: '10.96.0.10',
        clusterIPs: ['10.96.0.10', 'fd00::10'],
        ipFamilyPolicy: 'SingleStack',
      },
      cluster: dual,
      want: [
        "spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified",
      ],
    },
    {
      name: 'SingleStack with two families',
      spec: { ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: 'SingleStack' },
      cluster: dual,
      want: [
        "spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified",
      ],
    },
    {
      name: 'IP of an unconfigured family',
      spec: { clusterIP: 'fd00::10' },
      cluster: v4,
      want: [
        'spec.clusterIPs[0]: Invalid value: ["fd00::10"]: IPv6 is not configured on this cluster',
      ],
    },
    {
      name: 'listed family not configured',
      spec: { ipFamilies: ['IPv6'] },
      cluster: v4,
      want: ['spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster'],
    },
    {
      name: 'headless selector-less becomes RequireDualStack',
      spec: { clusterIP: 'None', selector: undefined },
      cluster: dual,
      want: [],
      families: ['IPv4', 'IPv6'],
      policy: 'RequireDualStack',
    },
    {
      name: 'headless selector-less on single stack',
      spec: { clusterIP: 'None', selector: undefined },
      cluster: v4,
      want: [],
      families: ['IPv4', 'IPv6'],
      policy: 'RequireDualStack',
    },
    {
      name: 'headless with selector is SingleStack',
      spec: { clusterIP: 'None' },
      cluster: dual,
      want: [],
      families: ['IPv4'],
      policy: 'SingleStack',
    },
    {
      name: 'pre-validation errors come first',
      spec: { clusterIP: 'x' },
      cluster: v4,
      want: [
        'spec.clusterIPs[0]: Invalid value: "x": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      ],
    },
  ])('$name', ({ spec, cluster, want, families, policy }) => {
    const s = svc(spec);
    expect(initIPFamilyFields(s, undefined, cluster).map(fieldErrorString)).toEqual(want);
    if (families !== undefined) expect(s.spec?.ipFamilies).toEqual(families);
    if (policy !== undefined) expect(s.spec?.ipFamilyPolicy).toBe(policy);
  });

  it('ExternalName is left alone', () => {
    const s = svc({ type: 'ExternalName', externalName: 'x.example.com' });
    expect(initIPFamilyFields(s, undefined, v4)).toEqual([]);
    expect(s.spec?.ipFamilies).toBeUndefined();
  });

  it.each<{
    name: string;
    old: Service['spec'];
    next: Service['spec'];
    want: string[];
    families?: IPFamily[];
    ips?: string[];
  }>([
    {
      name: 'update keeps the old policy',
      old: {
        clusterIP: '10.96.0.10',
        ipFamilies: ['IPv4', 'IPv6'],
        clusterIPs: ['10.96.0.10', 'fd00::10'],
        ipFamilyPolicy: 'PreferDualStack',
      },
      next: {
        clusterIP: '10.96.0.10',
        ipFamilies: ['IPv4', 'IPv6'],
        clusterIPs: ['10.96.0.10', 'fd00::10'],
      },
      want: [],
      families: ['IPv4', 'IPv6'],
    },
    {
      name: 'downgrade to SingleStack trims IPs and families',
      old: {
        clusterIP: '10.96.0.10',
        ipFamilies: ['IPv4', 'IPv6'],
        clusterIPs: ['10.96.0.10', 'fd00::10'],
        ipFamilyPolicy: 'RequireDualStack',
      },
      next: {
        clusterIP: '10.96.0.10',
        ipFamilies: ['IPv4', 'IPv6'],
        clusterIPs: ['10.96.0.10', 'fd00::10'],
        ipFamilyPolicy: 'SingleStack',
      },
      want: [],
      families: ['IPv4'],
      ips: ['10.96.0.10'],
    },
    {
      name: 'reducing IPs without SingleStack',
      old: {
        clusterIP: '10.96.0.10',
        ipFamilies: ['IPv4', 'IPv6'],
        clusterIPs: ['10.96.0.10', 'fd00::10'],
        ipFamilyPolicy: 'RequireDualStack',
      },
      next: {
        clusterIP: '10.96.0.10',
        ipFamilies: ['IPv4', 'IPv6'],
        clusterIPs: ['10.96.0.10'],
        ipFamilyPolicy: 'RequireDualStack',
      },
      want: [
        'spec.ipFamilyPolicy: Invalid value: "RequireDualStack": must be \'SingleStack\' to release the secondary cluster IP',
      ],
    },
  ])('$name', ({ old, next, want, families, ips }) => {
    const o = svc(old);
    const s = svc(next);
    expect(initIPFamilyFields(s, o, dual).map(fieldErrorString)).toEqual(want);
    if (families !== undefined) expect(s.spec?.ipFamilies).toEqual(families);
    if (ips !== undefined) expect(s.spec?.clusterIPs).toEqual(ips);
  });
});

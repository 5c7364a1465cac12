import type { Pod } from '@svclab/api';
import { fieldErrorString } from '@svclab/apimachinery';
import { describe, expect, it } from 'vitest';
import { imageTag, setPodDefaults } from './pod-defaults.js';
import { validatePod, validatePodUpdate } from './pod-validation.js';

function pod(edit: (p: Pod) => void = () => undefined): Pod {
  const p: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'default', uid: 'u1' },
    spec: {
      containers: [
        { name: 'echo', image: 'svclab/echo:1.0', ports: [{ name: 'http', containerPort: 8080 }] },
      ],
    },
  };
  edit(p);
  setPodDefaults(p);
  return p;
}

const msgs = (p: Pod): string[] => validatePod(p).map(fieldErrorString);

describe('pod defaults', () => {
  it('fills the pod and container defaults', () => {
    const p = pod((x) => (x.spec!.containers[0]!.readinessProbe = { httpGet: { port: 'http' } }));
    expect(p.spec).toMatchObject({
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      enableServiceLinks: true,
    });
    expect(p.spec?.containers[0]).toMatchObject({
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      readinessProbe: {
        timeoutSeconds: 1,
        periodSeconds: 10,
        successThreshold: 1,
        failureThreshold: 3,
        httpGet: { port: 'http', path: '/', scheme: 'HTTP' },
      },
    });
  });

  it.each([
    { name: 'no tag is latest', image: 'nginx', want: 'latest' },
    { name: 'explicit tag', image: 'nginx:1.25', want: '1.25' },
    { name: 'registry port is not a tag', image: 'localhost:5000/nginx', want: 'latest' },
    { name: 'digest only', image: 'nginx@sha256:abc', want: '' },
  ])('image tag: $name', ({ image, want }) => {
    expect(imageTag(image)).toBe(want);
  });

  it.each([
    { name: 'latest pulls Always', image: 'nginx:latest', want: 'Always' },
    { name: 'untagged pulls Always', image: 'nginx', want: 'Always' },
    { name: 'tagged pulls IfNotPresent', image: 'nginx:1', want: 'IfNotPresent' },
  ])('imagePullPolicy: $name', ({ image, want }) => {
    expect(
      pod((p) => (p.spec!.containers[0]!.image = image)).spec?.containers[0]?.imagePullPolicy,
    ).toBe(want);
  });
});

describe('validatePod', () => {
  const label =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  it.each<{ name: string; edit: (p: Pod) => void; want: string[] }>([
    { name: 'valid', edit: () => undefined, want: [] },
    {
      name: 'containers required',
      edit: (p) => (p.spec!.containers = []),
      want: ['spec.containers: Required value'],
    },
    {
      name: 'container name required',
      edit: (p) => (p.spec!.containers[0]!.name = ''),
      want: ['spec.containers[0].name: Required value'],
    },
    {
      name: 'container name is a DNS label',
      edit: (p) => (p.spec!.containers[0]!.name = 'Echo'),
      want: [`spec.containers[0].name: Invalid value: "Echo": ${label}`],
    },
    {
      name: 'duplicate container names',
      edit: (p) => p.spec!.containers.push({ name: 'echo', image: 'x:1' }),
      want: ['spec.containers[1].name: Duplicate value: "echo"'],
    },
    {
      name: 'image required',
      edit: (p) => delete p.spec!.containers[0]!.image,
      want: ['spec.containers[0].image: Required value'],
    },
    {
      name: 'containerPort required',
      edit: (p) => (p.spec!.containers[0]!.ports = [{ containerPort: 0 }]),
      want: ['spec.containers[0].ports[0].containerPort: Required value'],
    },
    {
      name: 'containerPort range',
      edit: (p) => (p.spec!.containers[0]!.ports = [{ containerPort: 70000 }]),
      want: [
        'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      ],
    },
    {
      name: 'port name is an IANA_SVC_NAME',
      edit: (p) => (p.spec!.containers[0]!.ports = [{ name: 'HTTP', containerPort: 80 }]),
      want: [
        'spec.containers[0].ports[0].name: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
        'spec.containers[0].ports[0].name: Invalid value: "HTTP": must contain at least one letter (a-z)',
      ],
    },
    {
      name: 'duplicate port names',
      edit: (p) =>
        (p.spec!.containers[0]!.ports = [
          { name: 'http', containerPort: 80 },
          { name: 'http', containerPort: 81 },
        ]),
      want: ['spec.containers[0].ports[1].name: Duplicate value: "http"'],
    },
    {
      name: 'port protocol unsupported',
      edit: (p) =>
        (p.spec!.containers[0]!.ports = [{ containerPort: 80, protocol: 'ICMP' as never }]),
      want: [
        'spec.containers[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
      ],
    },
    {
      name: 'restartPolicy unsupported',
      edit: (p) => (p.spec!.restartPolicy = 'Sometimes' as never),
      want: [
        'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure"',
      ],
    },
    {
      name: 'dnsPolicy unsupported',
      edit: (p) => (p.spec!.dnsPolicy = 'Google'),
      want: [
        'spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"',
      ],
    },
    {
      name: 'negative grace period',
      edit: (p) => (p.spec!.terminationGracePeriodSeconds = -1),
      want: [
        'spec.terminationGracePeriodSeconds: Invalid value: -1: must be greater than or equal to 0',
      ],
    },
    {
      name: 'probe without handler',
      edit: (p) => (p.spec!.containers[0]!.readinessProbe = {}),
      want: ['spec.containers[0].readinessProbe: Required value: must specify a handler type'],
    },
    {
      name: 'probe with two handlers',
      edit: (p) =>
        (p.spec!.containers[0]!.readinessProbe = {
          httpGet: { port: 80 },
          tcpSocket: { port: 80 },
        }),
      want: [
        'spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type',
      ],
    },
    {
      name: 'liveness successThreshold must be 1',
      edit: (p) =>
        (p.spec!.containers[0]!.livenessProbe = {
          tcpSocket: { port: 'http' },
          successThreshold: 2,
        }),
      want: ['spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1'],
    },
    {
      name: 'probe port name',
      edit: (p) => (p.spec!.containers[0]!.readinessProbe = { httpGet: { port: 'Http' } }),
      want: [
        'spec.containers[0].readinessProbe.httpGet.port: Invalid value: "Http": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      ],
    },
    {
      name: 'negative probe period',
      edit: (p) =>
        (p.spec!.containers[0]!.readinessProbe = {
          exec: { command: ['true'] },
          periodSeconds: -1,
        }),
      want: [
        'spec.containers[0].readinessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0',
      ],
    },
    {
      name: 'hostname is a label',
      edit: (p) => (p.spec!.hostname = 'a.b'),
      want: ['spec.hostname: Invalid value: "a.b": must not contain dots'],
    },
    { name: 'spec missing', edit: (p) => delete p.spec, want: ['spec.containers: Required value'] },
  ])('$name', ({ edit, want }) => {
    expect(msgs(pod(edit))).toEqual(want);
  });
});

describe('validatePodUpdate', () => {
  const forbidden =
    'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';
  it.each<{ name: string; edit: (p: Pod) => void; want: string[] }>([
    { name: 'labels may change', edit: (p) => (p.metadata.labels = { a: 'b' }), want: [] },
    {
      name: 'image may change',
      edit: (p) => (p.spec!.containers[0]!.image = 'svclab/echo:2.0'),
      want: [],
    },
    {
      name: 'tolerations may change',
      edit: (p) => (p.spec!.tolerations = [{ key: 'k', operator: 'Exists' }]),
      want: [],
    },
    {
      name: 'nodeName may be set once (binding)',
      edit: (p) => (p.spec!.nodeName = 'node-1'),
      want: [],
    },
    {
      name: 'ports may not change',
      edit: (p) => (p.spec!.containers[0]!.ports = [{ containerPort: 9090, protocol: 'TCP' }]),
      want: [forbidden],
    },
    {
      name: 'restartPolicy may not change',
      edit: (p) => (p.spec!.restartPolicy = 'Never'),
      want: [forbidden],
    },
  ])('$name', ({ edit, want }) => {
    const old = pod();
    const cur = pod(edit);
    expect(validatePodUpdate(cur, old).map(fieldErrorString)).toEqual(want);
  });

  it('nodeName may not change once set', () => {
    const old = pod((p) => (p.spec!.nodeName = 'node-1'));
    const cur = pod((p) => (p.spec!.nodeName = 'node-2'));
    expect(validatePodUpdate(cur, old).map(fieldErrorString)).toEqual([forbidden]);
  });
});

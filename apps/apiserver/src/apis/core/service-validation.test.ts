import type { Service } from '@svclab/api';
import { fieldErrorString } from '@svclab/apimachinery';
import { describe, expect, it } from 'vitest';
import { setServiceDefaults } from './service-defaults.js';
import { validateService } from './service-validation.js';

/** A valid defaulted ClusterIP service; `edit` changes it before defaulting. */
function svc(edit: (s: Service) => void = () => undefined, defaults = true): Service {
  const s: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80 }], clusterIP: '10.96.0.10' },
  };
  edit(s);
  if (defaults) setServiceDefaults(s);
  return s;
}

const msgs = (s: Service): string[] => validateService(s).map(fieldErrorString);

const label1123 =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

describe('validateService', () => {
  it.each<{ name: string; edit: (s: Service) => void; want: string[] }>([
    { name: 'valid ClusterIP', edit: () => undefined, want: [] },
    {
      name: '1: name must be a DNS-1035 label',
      edit: (s) => (s.metadata.name = '1ab'),
      want: [
        `metadata.name: Invalid value: "1ab": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
      ],
    },
    {
      name: '1: name required',
      edit: (s) => delete s.metadata.name,
      want: ['metadata.name: Required value: name or generateName is required'],
    },
    {
      name: '1: namespace required',
      edit: (s) => delete s.metadata.namespace,
      want: ['metadata.namespace: Required value'],
    },
    {
      name: '1: label value',
      edit: (s) => (s.metadata.labels = { app: 'a-' }),
      want: [
        `metadata.labels: Invalid value: "a-": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
      ],
    },
    {
      name: '2: topology annotations disagree',
      edit: (s) =>
        (s.metadata.annotations = {
          'service.kubernetes.io/topology-mode': 'Auto',
          'service.kubernetes.io/topology-aware-hints': 'Disabled',
        }),
      want: [
        'metadata.annotations[service.kubernetes.io/topology-mode]: Invalid value: "Auto": must match annotations[service.kubernetes.io/topology-aware-hints] when both are specified',
      ],
    },
    {
      name: '3: ports required',
      edit: (s) => (s.spec!.ports = []),
      want: ['spec.ports: Required value'],
    },
    {
      name: '3: headless needs no ports',
      edit: (s) => ((s.spec!.ports = []), (s.spec!.clusterIP = 'None')),
      want: [],
    },
    {
      name: '4a: LB may not expose 10250',
      edit: (s) => ((s.spec!.type = 'LoadBalancer'), (s.spec!.ports = [{ port: 10250 }])),
      want: [
        'spec.ports[0]: Invalid value: 10250: may not expose port 10250 externally since it is used by kubelet',
      ],
    },
    {
      name: '4b: LB headless',
      edit: (s) => ((s.spec!.type = 'LoadBalancer'), (s.spec!.clusterIP = 'None')),
      want: [
        `spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for LoadBalancer services`,
      ],
    },
    {
      name: '4c: NodePort headless',
      edit: (s) => ((s.spec!.type = 'NodePort'), (s.spec!.clusterIP = 'None')),
      want: [
        `spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for NodePort services`,
      ],
    },
    {
      name: '4d/4e: ExternalName with IPs and families',
      edit: (s) => {
        s.spec = {
          type: 'ExternalName',
          externalName: 'db.example.com',
          clusterIP: '10.96.0.3',
          ipFamilies: ['IPv4'],
          ipFamilyPolicy: 'SingleStack',
        };
      },
      want: [
        'spec.clusterIPs: Forbidden: may not be set for ExternalName services',
        'spec.ipFamilies: Forbidden: may not be set for ExternalName services',
        'spec.ipFamilyPolicy: Forbidden: may not be set for ExternalName services',
      ],
    },
    {
      name: '4f: ExternalName valid with trailing dot',
      edit: (s) => (s.spec = { type: 'ExternalName', externalName: 'db.example.com.' }),
      want: [],
    },
    {
      name: '4f: ExternalName required',
      edit: (s) => (s.spec = { type: 'ExternalName' }),
      want: ['spec.externalName: Required value'],
    },
    {
      name: '4f: ExternalName not a subdomain',
      edit: (s) => (s.spec = { type: 'ExternalName', externalName: 'Foo_bar' }),
      want: [
        `spec.externalName: Invalid value: "Foo_bar": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      ],
    },
    {
      name: '5: port 0 gives port and targetPort errors; second port needs a name',
      edit: (s) => (s.spec!.ports = [{ name: 'a', port: 0 }, { port: 81 }]),
      want: [
        'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
        'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
        'spec.ports[1].name: Required value',
      ],
    },
    {
      name: '5: upper-case port name',
      edit: (s) => (s.spec!.ports = [{ name: 'HTTP', port: 80 }]),
      want: [`spec.ports[0].name: Invalid value: "HTTP": ${label1123}`],
    },
    {
      name: '5: dotted port name',
      edit: (s) => (s.spec!.ports = [{ name: 'a.b', port: 80 }]),
      want: ['spec.ports[0].name: Invalid value: "a.b": must not contain dots'],
    },
    {
      name: '5: duplicate port name',
      edit: (s) =>
        (s.spec!.ports = [
          { name: 'http', port: 80 },
          { name: 'http', port: 81 },
        ]),
      want: ['spec.ports[1].name: Duplicate value: "http"'],
    },
    {
      name: '5: unsupported protocol',
      edit: (s) => (s.spec!.ports = [{ port: 80, protocol: 'ICMP' as never }]),
      want: [
        'spec.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
      ],
    },
    {
      name: '5: named targetPort rules',
      edit: (s) => (s.spec!.ports = [{ port: 80, targetPort: 'Http--' }]),
      want: [
        'spec.ports[0].targetPort: Invalid value: "Http--": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
        'spec.ports[0].targetPort: Invalid value: "Http--": must not contain consecutive hyphens',
        'spec.ports[0].targetPort: Invalid value: "Http--": must not begin or end with a hyphen',
      ],
    },
    {
      name: '5: targetPort out of range',
      edit: (s) => (s.spec!.ports = [{ port: 80, targetPort: 70000 }]),
      want: [
        'spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      ],
    },
    {
      name: '5: appProtocol must be qualified',
      edit: (s) => (s.spec!.ports = [{ port: 80, appProtocol: 'a b' }]),
      want: [
        `spec.ports[0].appProtocol: Invalid value: "a b": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
      ],
    },
    {
      name: '6: selector labels',
      edit: (s) => (s.spec!.selector = { 'a/b/c': 'x' }),
      want: [
        `spec.selector: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
      ],
    },
    {
      name: '7: unsupported affinity',
      edit: (s) => (s.spec!.sessionAffinity = 'X' as never),
      want: ['spec.sessionAffinity: Unsupported value: "X": supported values: "ClientIP", "None"'],
    },
    {
      name: '8b: ClientIP timeout 0',
      edit: (s) => (
        (s.spec!.sessionAffinity = 'ClientIP'),
        (s.spec!.sessionAffinityConfig = { clientIP: { timeoutSeconds: 0 } })
      ),
      want: [
        'spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400',
      ],
    },
    {
      name: '8b: ClientIP timeout 86400 is valid',
      edit: (s) => (
        (s.spec!.sessionAffinity = 'ClientIP'),
        (s.spec!.sessionAffinityConfig = { clientIP: { timeoutSeconds: 86400 } })
      ),
      want: [],
    },
    {
      name: '8b: ClientIP timeout 86401',
      edit: (s) => (
        (s.spec!.sessionAffinity = 'ClientIP'),
        (s.spec!.sessionAffinityConfig = { clientIP: { timeoutSeconds: 86401 } })
      ),
      want: [
        'spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400',
      ],
    },
    {
      name: '9: clusterIPs must match clusterIP',
      edit: (s) => (s.spec!.clusterIPs = ['10.96.0.11']),
      want: ['spec.clusterIPs: Invalid value: ["10.96.0.11"]: first value must match `clusterIP`'],
    },
    {
      name: '9: invalid cluster IP',
      edit: (s) => (s.spec!.clusterIP = 'x'),
      want: [
        'spec.clusterIPs[0]: Invalid value: "x": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      ],
    },
    {
      name: '9: None must be alone',
      edit: (s) => ((s.spec!.clusterIP = 'None'), (s.spec!.clusterIPs = ['None', '10.96.0.1'])),
      want: [
        `spec.clusterIPs: Invalid value: ["None","10.96.0.1"]: 'None' must be the first and only value`,
      ],
    },
    {
      name: '9: two IPs of one family',
      edit: (s) => (
        (s.spec!.clusterIPs = ['10.96.0.10', '10.96.0.11']),
        (s.spec!.ipFamilyPolicy = 'PreferDualStack')
      ),
      want: [
        'spec.clusterIPs: Invalid value: ["10.96.0.10","10.96.0.11"]: may specify no more than one IP for each IP family',
      ],
    },
    {
      name: '9: three IPs',
      edit: (s) => (s.spec!.clusterIPs = ['10.96.0.10', 'fd00::1', '10.96.0.12']),
      want: [
        'spec.clusterIPs: Invalid value: ["10.96.0.10","fd00::1","10.96.0.12"]: may only hold up to 2 values',
        'spec.clusterIPs: Invalid value: ["10.96.0.10","fd00::1","10.96.0.12"]: may specify no more than one IP for each IP family',
      ],
    },
    {
      name: '9: family mismatch',
      edit: (s) => ((s.spec!.clusterIP = 'fd00::1'), (s.spec!.ipFamilies = ['IPv4'])),
      want: [
        'spec.clusterIPs[0]: Invalid value: "fd00::1": expected an IPv4 value as indicated by `ipFamilies[0]`',
      ],
    },
    {
      name: '9: unsupported and duplicate families',
      edit: (s) => (s.spec!.ipFamilies = ['IPv5' as never, 'IPv5' as never]),
      want: [
        'spec.ipFamilies[0]: Unsupported value: "IPv5": supported values: "IPv4", "IPv6"',
        'spec.ipFamilies[1]: Unsupported value: "IPv5": supported values: "IPv4", "IPv6"',
        'spec.ipFamilies[1]: Duplicate value: "IPv5"',
      ],
    },
    {
      name: '9: unsupported policy',
      edit: (s) => (s.spec!.ipFamilyPolicy = 'Both' as never),
      want: [
        'spec.ipFamilyPolicy: Unsupported value: "Both": supported values: "PreferDualStack", "RequireDualStack", "SingleStack"',
      ],
    },
    {
      name: '10: external IP invalid and special',
      edit: (s) => (s.spec!.externalIPs = ['x', '0.0.0.0', '169.254.0.1']),
      want: [
        'spec.externalIPs[0]: Invalid value: "x": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
        'spec.externalIPs[1]: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)',
        'spec.externalIPs[2]: Invalid value: "169.254.0.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
      ],
    },
    {
      name: '11: unsupported type',
      edit: (s) => (s.spec!.type = 'Foo' as never),
      want: [
        'spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
      ],
    },
    {
      name: '12: nodePort on ClusterIP',
      edit: (s) => (s.spec!.ports = [{ port: 80, nodePort: 30080 }]),
      want: ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
    },
    {
      name: '13: duplicate nodePort',
      edit: (s) => (
        (s.spec!.type = 'NodePort'),
        (s.spec!.ports = [
          { name: 'a', port: 80, nodePort: 30080 },
          { name: 'b', port: 81, nodePort: 30080 },
        ])
      ),
      want: ['spec.ports[1].nodePort: Duplicate value: 30080'],
    },
    {
      name: '13: same nodePort for TCP and UDP is fine',
      edit: (s) => (
        (s.spec!.type = 'NodePort'),
        (s.spec!.ports = [
          { name: 'a', port: 53, nodePort: 30053 },
          { name: 'b', port: 53, protocol: 'UDP', nodePort: 30053 },
        ])
      ),
      want: [],
    },
    {
      name: '14: duplicate port',
      edit: (s) =>
        (s.spec!.ports = [
          { name: 'a', port: 80 },
          { name: 'b', port: 80 },
        ]),
      want: [
        'spec.ports[1]: Duplicate value: {"Name":"","Protocol":"TCP","AppProtocol":null,"Port":80,"TargetPort":0,"NodePort":0}',
      ],
    },
    {
      name: '15: source ranges on ClusterIP',
      edit: (s) => (s.spec!.loadBalancerSourceRanges = ['10.0.0.0/8']),
      want: [
        "spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'",
      ],
    },
    {
      name: '15b: bad source range',
      edit: (s) => (
        (s.spec!.type = 'LoadBalancer'),
        (s.spec!.loadBalancerSourceRanges = ['10.0.0.0/33'])
      ),
      want: [
        'spec.LoadBalancerSourceRanges: Invalid value: "[10.0.0.0/33]": must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24 ',
      ],
    },
    {
      name: '15: source range annotation',
      edit: (s) =>
        (s.metadata.annotations = {
          'service.beta.kubernetes.io/load-balancer-source-ranges': '10.0.0.0/8',
        }),
      want: [
        "metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]: Forbidden: may only be used when `type` is 'LoadBalancer'",
      ],
    },
    {
      name: '16: allocateLoadBalancerNodePorts on ClusterIP',
      edit: (s) => (s.spec!.allocateLoadBalancerNodePorts = false),
      want: [
        "spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'",
      ],
    },
    {
      name: '17: loadBalancerClass on ClusterIP',
      edit: (s) => (s.spec!.loadBalancerClass = 'example.com/lb'),
      want: ["spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'"],
    },
    {
      name: '18: ETP on internal service',
      edit: (s) => (s.spec!.externalTrafficPolicy = 'Local'),
      want: [
        'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services',
      ],
    },
    {
      name: '18: ETP unsupported',
      edit: (s) => ((s.spec!.type = 'NodePort'), (s.spec!.externalTrafficPolicy = 'Foo' as never)),
      want: [
        'spec.externalTrafficPolicy: Unsupported value: "Foo": supported values: "Cluster", "Local"',
      ],
    },
    {
      name: '18: healthCheckNodePort without Local',
      edit: (s) => ((s.spec!.type = 'NodePort'), (s.spec!.healthCheckNodePort = 30100)),
      want: [
        "spec.healthCheckNodePort: Invalid value: 30100: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
      ],
    },
    {
      name: '18: LB Local needs healthCheckNodePort',
      edit: (s) => ((s.spec!.type = 'LoadBalancer'), (s.spec!.externalTrafficPolicy = 'Local')),
      want: ['spec.healthCheckNodePort: Required value'],
    },
    {
      name: '18: LB Local with healthCheckNodePort',
      edit: (s) => (
        (s.spec!.type = 'LoadBalancer'),
        (s.spec!.externalTrafficPolicy = 'Local'),
        (s.spec!.healthCheckNodePort = 30100)
      ),
      want: [],
    },
    {
      name: '19: ITP unsupported',
      edit: (s) => (s.spec!.internalTrafficPolicy = 'Foo' as never),
      want: [
        'spec.internalTrafficPolicy: Unsupported value: "Foo": supported values: "Cluster", "Local"',
      ],
    },
  ])('$name', ({ edit, want }) => {
    expect(msgs(svc(edit))).toEqual(want);
  });

  it.each<{ name: string; s: Service; want: string[] }>([
    {
      name: 'undefaulted: affinity, type, protocol, ITP required; LB allocate required',
      s: svc(
        (s) =>
          (s.spec = {
            ports: [{ port: 80, targetPort: 80 }],
            type: 'LoadBalancer',
            externalTrafficPolicy: 'Cluster',
            internalTrafficPolicy: 'Cluster',
          }),
        false,
      ),
      want: [
        'spec.ports[0].protocol: Required value',
        'spec.sessionAffinity: Required value',
        'allocateLoadBalancerNodePorts: Required value',
      ],
    },
    {
      name: 'undefaulted ClientIP without config',
      s: svc(
        (s) =>
          (s.spec = {
            ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }],
            type: 'ClusterIP',
            sessionAffinity: 'ClientIP',
            internalTrafficPolicy: 'Cluster',
          }),
        false,
      ),
      want: ['spec.sessionAffinityConfig: Required value: when session affinity type is ClientIP'],
    },
    {
      name: 'undefaulted None with config',
      s: svc(
        (s) =>
          (s.spec = {
            ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }],
            type: 'ClusterIP',
            sessionAffinity: 'None',
            sessionAffinityConfig: {},
            internalTrafficPolicy: 'Cluster',
          }),
        false,
      ),
      want: [
        'spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None',
      ],
    },
    {
      name: 'missing type and ITP',
      s: svc(
        (s) =>
          (s.spec = {
            ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }],
            sessionAffinity: 'None',
          }),
        false,
      ),
      want: ['spec.type: Required value'],
    },
  ])('$name', ({ s, want }) => {
    expect(msgs(s)).toEqual(want);
  });

  it.each<{ name: string; obj: unknown }>([
    { name: 'no spec', obj: { metadata: { name: 'a', namespace: 'b' } } },
    { name: 'spec is a string', obj: { metadata: { name: 'a', namespace: 'b' }, spec: 'x' } },
    {
      name: 'ports not an array',
      obj: {
        metadata: { name: 'a', namespace: 'b' },
        spec: { ports: 5, clusterIPs: 'x', selector: [] },
      },
    },
    {
      name: 'port entries of wrong type',
      obj: {
        metadata: { name: 'a', namespace: 'b' },
        spec: { ports: [null, 'x', { port: '80', targetPort: {} }] },
      },
    },
    { name: 'metadata missing', obj: {} },
  ])('never throws on odd input: $name', ({ obj }) => {
    expect(() => validateService(obj as Service)).not.toThrow();
    expect(validateService(obj as Service).length).toBeGreaterThan(0);
  });
});

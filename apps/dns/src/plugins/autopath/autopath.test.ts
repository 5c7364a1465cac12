import { describe, expect, it } from 'vitest';
import { buildDnsChain } from '../../chain.js';
import { memoryLogger } from '@svclab/telemetry';
import { newRequest } from '../../wire.js';
import { QType, RcodeName, type DnsRequest } from '../../plugin.js';
import { staticSource } from '../../objects-file.js';
import { fixtureObjects, pod, rr } from '../../testing/fixtures.js';
import { kubernetesOptions, PodMode } from '../kubernetes/setup.js';
import { searchPath } from './autopath.js';

const objects = staticSource(
  [...fixtureObjects(), pod('default', 'client', '127.0.0.42')],
  () => 1,
);
const chain = buildDnsChain({
  objects,
  kubernetes: kubernetesOptions({ pods: PodMode.Verified }),
  autopath: { extraSearch: [] },
  logger: memoryLogger(),
});
const base: DnsRequest = {
  id: 7,
  qname: 'x',
  qtype: 1,
  qclass: 1,
  rd: true,
  cd: false,
  question: Buffer.alloc(0),
  raw: Buffer.alloc(0),
  edns: undefined,
  client: { address: '127.0.0.42', port: 1, transport: 'udp' },
  internal: false,
};
const ask = (qname: string, client = '127.0.0.42', qtype: number = QType.A) =>
  chain.handler.serveDNS({
    ...newRequest(base, qname, qtype),
    internal: false,
    client: { ...base.client, address: client },
  });

describe('autopath', () => {
  it('builds the search path', () => {
    expect(searchPath('default', 'cluster.local', ['corp.test'])).toEqual([
      'default.svc.cluster.local',
      'svc.cluster.local',
      'cluster.local',
      'corp.test',
      '',
    ]);
  });

  it.each([
    {
      name: 'service in another namespace: CNAME to the name found',
      qname: 'svc1.testns.default.svc.cluster.local',
      rcode: 'NOERROR',
      answer: [
        'svc1.testns.default.svc.cluster.local. 5 IN CNAME svc1.testns.svc.cluster.local.',
        'svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1',
      ],
    },
    {
      name: 'nothing anywhere: the first reply (NXDOMAIN)',
      qname: 'nothere.default.svc.cluster.local',
      rcode: 'NXDOMAIN',
      answer: [],
    },
    {
      name: 'NODATA stops the walk and comes back as is',
      qname: 'testns.default.svc.cluster.local',
      rcode: 'NOERROR',
      answer: [],
    },
    {
      name: 'a client that is not a pod gets no autopath',
      qname: 'svc1.testns.default.svc.cluster.local',
      client: '127.0.0.99',
      rcode: 'NXDOMAIN',
      answer: [],
    },
  ])('$name', async ({ qname, client, rcode, answer }) => {
    const r = await ask(qname, client);
    expect(RcodeName[r.rcode]).toBe(rcode);
    expect(r.answers.map(rr)).toEqual(answer);
  });
});

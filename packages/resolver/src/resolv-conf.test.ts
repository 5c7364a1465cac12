import { describe, expect, it } from 'vitest';
import {
  formatResolvConf,
  parseResolvConf,
  podResolvConf,
  searchCandidates,
} from './resolv-conf.js';

describe('parseResolvConf', () => {
  it.each([
    {
      name: 'kubelet ClusterFirst file',
      text: 'nameserver 10.96.0.10\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n',
      want: {
        nameservers: ['10.96.0.10'],
        search: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
        ndots: 5,
        attempts: 2,
        timeout: 5,
      },
    },
    {
      name: 'defaults',
      text: '',
      want: { nameservers: ['127.0.0.1'], search: [], ndots: 1, attempts: 2, timeout: 5 },
    },
    {
      name: 'options are clamped, comments skipped',
      text: '# comment\nnameserver 127.0.0.1:1053 ; x\noptions ndots:99 attempts:0 timeout:100 rotate\n',
      want: { nameservers: ['127.0.0.1:1053'], search: [], ndots: 15, attempts: 1, timeout: 30 },
    },
    {
      name: 'domain and search: last wins; trailing dots dropped',
      text: 'search a.example. b.example\ndomain c.example\n',
      want: {
        nameservers: ['127.0.0.1'],
        search: ['c.example'],
        ndots: 1,
        attempts: 2,
        timeout: 5,
      },
    },
    {
      name: 'at most 3 nameservers and 6 search domains',
      text: 'nameserver 1.1.1.1\nnameserver 1.1.1.2\nnameserver 1.1.1.3\nnameserver 1.1.1.4\nsearch a b c d e f g\n',
      want: {
        nameservers: ['1.1.1.1', '1.1.1.2', '1.1.1.3'],
        search: ['a', 'b', 'c', 'd', 'e', 'f'],
        ndots: 1,
        attempts: 2,
        timeout: 5,
      },
    },
  ])('$name', ({ text, want }) => {
    expect(parseResolvConf(text)).toEqual(want);
  });

  it('round-trips a pod resolv.conf', () => {
    const conf = podResolvConf('prod', { nameserver: '127.0.0.1:1053' });
    expect(formatResolvConf(conf)).toBe(
      'nameserver 127.0.0.1:1053\nsearch prod.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n',
    );
    expect(parseResolvConf(formatResolvConf(conf))).toEqual(conf);
  });
});

describe('searchCandidates (glibc res_nsearch order)', () => {
  const pod = podResolvConf('prod', { nameserver: '127.0.0.1' });
  it.each([
    {
      name: 'ndots:5, external name: search domains first, then as is',
      qname: 'api.example.com',
      conf: pod,
      want: [
        'api.example.com.prod.svc.cluster.local',
        'api.example.com.svc.cluster.local',
        'api.example.com.cluster.local',
        'api.example.com',
      ],
    },
    {
      name: 'ndots:5, short service name',
      qname: 'web',
      conf: pod,
      want: ['web.prod.svc.cluster.local', 'web.svc.cluster.local', 'web.cluster.local', 'web'],
    },
    {
      name: 'trailing dot: only the name',
      qname: 'api.example.com.',
      conf: pod,
      want: ['api.example.com'],
    },
    {
      name: 'ndots:2: as is first',
      qname: 'api.example.com',
      conf: { ...pod, ndots: 2 },
      want: [
        'api.example.com',
        'api.example.com.prod.svc.cluster.local',
        'api.example.com.svc.cluster.local',
        'api.example.com.cluster.local',
      ],
    },
    { name: 'no search list', qname: 'web', conf: { search: [], ndots: 1 }, want: ['web'] },
  ])('$name', ({ qname, conf, want }) => {
    expect(searchCandidates(qname, conf)).toEqual(want);
  });
});

import { describe, expect, it } from 'vitest';
import { isUsageError } from './cluster-context.js';
import { parseRulesArgs, RulesFormats } from './rules.js';

describe('svclab rules', () => {
  it.each([
    { name: 'node only', argv: ['node-1'], want: { node: 'node-1', format: 'iptables' } },
    { name: '--format ipvs', argv: ['2', '--format', 'ipvs'], want: { node: '2', format: 'ipvs' } },
    { name: '--format=json', argv: ['--format=json', 'node-3'], want: { node: 'node-3', format: 'json' } },
  ])('parses $name', ({ argv, want }) => {
    expect(parseRulesArgs(argv)).toEqual(want);
  });

  it.each([[[]], [['node-1', '--format', 'nft']], [['node-1', 'node-2']], [['--bogus', 'node-1']]])('rejects %j', (argv) => {
    let err: unknown;
    try {
      parseRulesArgs(argv);
    } catch (e) {
      err = e;
    }
    expect(isUsageError(err)).toBe(true);
  });

  it('maps the formats to kube-proxy /rules formats', () => {
    expect(RulesFormats).toEqual({ iptables: 'iptables-save', ipvs: 'ipvsadm', json: 'json' });
  });
});

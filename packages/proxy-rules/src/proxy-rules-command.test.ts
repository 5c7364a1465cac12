import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { proxyRulesCommand } from './proxy-rules-command.js';

const testdata = (name: string): string =>
  readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');

async function run(
  argv: string[],
  files: Record<string, string> = { 'objects.yaml': testdata('overall-objects.yaml') },
) {
  let stdout = '';
  let stderr = '';
  const code = await proxyRulesCommand(argv, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    readFile: (path) => {
      const f = files[path];
      return f === undefined
        ? Promise.reject(new Error(`ENOENT: no such file or directory, open '${path}'`))
        : Promise.resolve(f);
    },
  });
  return { code, stdout, stderr };
}

describe('svclab proxy-rules', () => {
  it('prints the upstream golden rules for the fixture file (node IP from the Node object)', async () => {
    const r = await run([
      '--from',
      'objects.yaml',
      '--node',
      'test-node',
      '--cluster-cidr=10.0.0.0/8',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(testdata('overall-iptables-rules.txt'));
  });

  it('prints JSON with the rule set', async () => {
    const r = await run([
      '--from',
      'objects.yaml',
      '--node',
      'test-node',
      '--node-ip',
      '192.168.0.2',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      mode: string;
      ruleSet: { nat: Record<string, unknown[]> };
    };
    expect(out.mode).toBe('iptables');
    expect(Object.keys(out.ruleSet.nat)).toContain('KUBE-SVC-XPGD46QRK7WJZT7O');
  });

  it('prints ipvsadm, ipset and iptables sections in ipvs mode', async () => {
    const r = await run([
      '--from',
      'objects.yaml',
      '--node',
      'test-node',
      '--mode',
      'ipvs',
      '--ipvs-scheduler',
      'wrr',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('# ipvsadm -Ln\nIP Virtual Server version 1.2.1 (size=4096)\n');
    expect(r.stdout).toContain('TCP  172.30.0.45:80 wrr persistent 10800\n');
    expect(r.stdout).toContain('# ipset list\nName: KUBE-LOOP-BACK\n');
    expect(r.stdout).toContain('# iptables-restore input\n*nat\n');
  });

  it('accepts JSON input with items', async () => {
    const json = JSON.stringify({
      kind: 'ServiceList',
      items: [
        {
          kind: 'Service',
          metadata: { name: 'web' },
          spec: { clusterIP: '10.96.0.5', ports: [{ port: 80 }] },
        },
      ],
    });
    const r = await run(['--from', 'in.json', '--node', 'n1', '--node-ip', '10.0.0.1'], {
      'in.json': json,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '-A KUBE-SERVICES -m comment --comment "default/web has no endpoints" -m tcp -p tcp -d 10.96.0.5 --dport 80 -j REJECT\n',
    );
  });

  it.each([
    { name: 'no flags', argv: [], code: 2, err: 'required flag --from not set' },
    {
      name: 'missing --node',
      argv: ['--from', 'objects.yaml'],
      code: 2,
      err: 'required flag --node not set',
    },
    {
      name: 'unknown flag',
      argv: ['--from', 'objects.yaml', '--node', 'n', '--bogus'],
      code: 2,
      err: 'unknown flag: --bogus',
    },
    {
      name: 'bad mode',
      argv: ['--from', 'objects.yaml', '--node', 'n', '--mode', 'nft'],
      code: 2,
      err: 'invalid --mode "nft"',
    },
    {
      name: 'bad format',
      argv: ['--from', 'objects.yaml', '--node', 'n', '--format', 'xml'],
      code: 2,
      err: 'invalid --format "xml"',
    },
    {
      name: 'bad node IP',
      argv: ['--from', 'objects.yaml', '--node', 'n', '--node-ip', '1.2.3'],
      code: 2,
      err: 'invalid --node-ip "1.2.3"',
    },
    {
      name: 'bad CIDR',
      argv: ['--from', 'objects.yaml', '--node', 'n', '--cluster-cidr', '10.0.0.0/40'],
      code: 2,
      err: 'invalid --cluster-cidr',
    },
    {
      name: 'bad scheduler',
      argv: ['--from', 'objects.yaml', '--node', 'n', '--mode', 'ipvs', '--ipvs-scheduler', 'fifo'],
      code: 2,
      err: 'invalid --ipvs-scheduler "fifo"',
    },
    { name: 'flag without value', argv: ['--from'], code: 2, err: 'flag needs a value: --from' },
    {
      name: 'missing file',
      argv: ['--from', 'nope.yaml', '--node', 'n'],
      code: 1,
      err: 'cannot read nope.yaml: ENOENT',
    },
    {
      name: 'unknown node without --node-ip',
      argv: ['--from', 'objects.yaml', '--node', 'other'],
      code: 1,
      err: 'cannot determine the IP of node "other"',
    },
  ])('$name → exit $code', async ({ argv, code, err }) => {
    const r = await run(argv);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(err);
  });

  it.each([
    { name: 'broken YAML', text: 'kind: Service\n  metadata: [', err: 'bad.yaml: document 1:' },
    {
      name: 'object without kind',
      text: 'metadata: {name: x}\n',
      err: 'document 1: object has no kind',
    },
    {
      name: 'object without name',
      text: 'kind: Service\nmetadata: {}\n',
      err: 'document 1: Service has no metadata.name',
    },
    { name: 'scalar document', text: '42\n', err: 'document 1: expected an object, got number' },
  ])('invalid input: $name → exit 1', async ({ text, err }) => {
    const r = await run(['--from', 'bad.yaml', '--node', 'n', '--node-ip', '10.0.0.1'], {
      'bad.yaml': text,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(err);
  });

  it('prints usage on --help', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: svclab proxy-rules --from FILE --node NAME');
  });
});

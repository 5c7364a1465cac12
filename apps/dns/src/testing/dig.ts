// Runs the real `dig` and parses its output: status, flags and the record sections.
import { execFile } from 'node:child_process';

export interface DigResult {
  readonly status: string;
  readonly flags: readonly string[];
  readonly answer: readonly string[];
  readonly authority: readonly string[];
  readonly additional: readonly string[];
  readonly opt: string | undefined;
  readonly raw: string;
}

/** `dig @127.0.0.1 -p PORT args…` with +noall +comments +answer +authority +additional; records whitespace-collapsed. */
export function dig(port: number, args: readonly string[]): Promise<DigResult> {
  const argv = [
    '@127.0.0.1',
    '-p',
    String(port),
    '+noall',
    '+comments',
    '+answer',
    '+authority',
    '+additional',
    '+tries=3',
    '+time=5',
    ...args,
  ];
  return new Promise((resolve, reject) => {
    execFile('dig', argv, { timeout: 60_000 }, (err, stdout) => {
      if (err && stdout === '') {
        reject(new Error(`dig failed: ${err.message}`));
        return;
      }
      resolve(parseDig(stdout));
    });
  });
}

export function parseDig(out: string): DigResult {
  let status = '';
  let flags: string[] = [];
  let opt: string | undefined;
  const sections: Record<string, string[]> = { answer: [], authority: [], additional: [] };
  let cur: string | undefined;
  for (const line of out.split('\n')) {
    const st = /status: (\w+)/.exec(line);
    if (st?.[1]) status = st[1];
    const fl = /;; flags: ([^;]*);/.exec(line);
    if (fl?.[1]) flags = fl[1].trim().split(/\s+/);
    const sec = /^;; (\w+) SECTION:/.exec(line);
    if (sec?.[1]) {
      cur = sec[1].toLowerCase();
      continue;
    }
    const o = /^; EDNS: (.*)$/.exec(line);
    if (o?.[1]) opt = o[1];
    if (line.trim() === '' || line.startsWith(';')) continue;
    const list = cur === undefined ? undefined : sections[cur];
    if (list) list.push(line.trim().split(/\s+/).join(' '));
  }
  return {
    status,
    flags,
    answer: sections['answer'] ?? [],
    authority: sections['authority'] ?? [],
    additional: sections['additional'] ?? [],
    opt,
    raw: out,
  };
}

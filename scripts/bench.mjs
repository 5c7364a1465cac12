#!/usr/bin/env node
// `make bench`: runs every benchmark (`apps/*/bench/*.bench.ts`, `packages/*/bench/*.bench.ts`,
// `test/bench/*.bench.ts`) one after another, prints each one's table, and rewrites
// docs/benchmarks.md with the figures of this run. A benchmark prints a Markdown section
// (a `### title` line and a table) on stdout and exits 0; anything on stderr is shown, not kept.
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);
const files = [];
for (const top of ['packages', 'apps']) {
  for (const ws of readdirSync(join(root, top))) {
    const dir = join(root, top, ws, 'bench');
    if (existsSync(dir)) {
      for (const f of readdirSync(dir).sort()) if (f.endsWith('.bench.ts')) files.push(join(top, ws, 'bench', f));
    }
    // Micro-benchmarks kept beside the code they measure.
    const src = join(root, top, ws, 'src');
    if (existsSync(src)) {
      for (const f of readdirSync(src, { recursive: true }).map(String).sort()) {
        if (f.endsWith('.bench.ts')) files.push(join(top, ws, 'src', f));
      }
    }
  }
}
if (existsSync(join(root, 'test', 'bench'))) {
  for (const f of readdirSync(join(root, 'test', 'bench')).sort()) if (f.endsWith('.bench.ts')) files.push(join('test', 'bench', f));
}
const selected = only.length ? files.filter((f) => only.some((o) => f.includes(o))) : files;

const sections = [];
let failed = 0;
for (const f of selected) {
  process.stdout.write(`\n== ${f}\n`);
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--conditions=@svclab/source', '--import', 'tsx', f], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
    timeout: 20 * 60 * 1000,
  });
  process.stdout.write(r.stdout ?? '');
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    failed++;
    sections.push(`### ${f}\n\nFAILED (exit ${r.status ?? r.signal}) after ${secs} s.\n`);
  } else {
    const out = (r.stdout ?? '').trim();
    sections.push(`<!-- ${f}, ${secs} s -->\n${out.startsWith('#') ? out : `### ${f}\n\n${out}`}\n`);
  }
}

const header = `# Benchmarks

Figures of the last \`make bench\` run (${new Date().toISOString().slice(0, 10)}), on ${cpus().length} cores
(${cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}.
Every figure comes from a benchmark under \`*/bench/*.bench.ts\`; rerun with \`make bench\`
(or \`node scripts/bench.mjs <part-of-path>\` for some). Targets are the issues'.
`;
if (only.length === 0) writeFileSync(join(root, 'docs', 'benchmarks.md'), `${header}\n${sections.join('\n')}`);
process.exitCode = failed ? 1 : 0;

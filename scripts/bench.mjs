#!/usr/bin/env node
// `make bench`: runs every benchmark (`*/bench/*.bench.ts`, `src/**/*.bench.ts`, `test/bench/*.bench.ts`)
// one after another, prints each one's Markdown section (a `### title` line and a table), and
// keeps the latest section of each in docs/benchmarks.md under "## Latest runs"; `node
// scripts/bench.mjs <part-of-path>` runs only the matching ones. stderr is shown, not kept.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
    sections.push(`<!-- ${f}, ${secs} s -->\n### ${f}\n\nFAILED (exit ${r.status ?? r.signal}) after ${secs} s.\n`);
  } else {
    const out = (r.stdout ?? '').trim();
    sections.push(`<!-- ${f}, ${secs} s -->\n${out.startsWith('#') ? out : `### ${f}\n\n${out}`}\n`);
  }
}

// docs/benchmarks.md keeps its hand-written summary above "## Latest runs"; below it, one section
// per benchmark, each replaced when that benchmark runs again.
const page = join(root, 'docs', 'benchmarks.md');
const marker = '## Latest runs';
const old = existsSync(page) ? readFileSync(page, 'utf8') : `# Benchmarks\n\n${marker}\n`;
const cut = old.indexOf(marker);
const head = cut >= 0 ? old.slice(0, cut) : `${old.trimEnd()}\n\n`;
const kept = new Map();
for (const part of (cut >= 0 ? old.slice(cut + marker.length) : '').split('\n<!-- ').slice(1)) {
  kept.set(part.slice(0, part.indexOf(',')), `<!-- ${part.trimEnd()}\n`);
}
for (const sec of sections) kept.set(sec.slice(5, sec.indexOf(',')), sec);
const when = `Last run ${new Date().toISOString().slice(0, 16)}Z on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}.`;
writeFileSync(page, `${head}${marker}\n\n${when}\n\n${[...kept.values()].join('\n')}`);
process.exitCode = failed ? 1 : 0;

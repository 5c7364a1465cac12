// `svclab demo`: applies the seed Services (demo/seed-services.yaml) and the svclab/echo workloads
// behind them (demo/workloads.yaml) through the REST client. Existing objects are left as they are.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resourceByKind, type KubeObject, type ResourceName } from '@svclab/api';
import { isAlreadyExists } from '@svclab/apimachinery';
import type { ClientSet, ResourceClient } from '@svclab/client';
import { parseAllDocuments } from 'yaml';
import type { Io } from '../io.js';
import { isUsageError, loadCluster, UsageError } from './cluster-context.js';

export const demoUsage = `usage: svclab demo [--services-only] [--dry-run]
  Applies the seed Services and the svclab/echo Deployments/StatefulSet behind them.
`;

/** The manifests shipped with the CLI: src/demo beside src/commands (also found from dist/commands). */
export function demoDir(): string {
  return join(import.meta.dirname, '..', '..', 'src', 'demo');
}

export interface DemoOptions {
  readonly servicesOnly: boolean;
  readonly dryRun: boolean;
}

export function parseDemoArgs(argv: readonly string[]): DemoOptions {
  let servicesOnly = false;
  let dryRun = false;
  for (const a of argv) {
    if (a === '--services-only') servicesOnly = true;
    else if (a === '--dry-run') dryRun = true;
    else throw new UsageError(`unknown argument "${a}"`);
  }
  return { servicesOnly, dryRun };
}

/** The documents of a multi-document YAML text, skipping empty ones. */
export function parseManifests(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJSON() as unknown)
    .filter((o): o is KubeObject => typeof o === 'object' && o !== null && 'kind' in o);
}

/** The demo objects in apply order: namespaces first, then everything else as written. */
export function demoObjects(opts: DemoOptions, dir = demoDir()): KubeObject[] {
  const objs = parseManifests(readFileSync(join(dir, 'seed-services.yaml'), 'utf8'));
  if (!opts.servicesOnly) objs.push(...parseManifests(readFileSync(join(dir, 'workloads.yaml'), 'utf8')));
  return [...objs.filter((o) => o.kind === 'Namespace'), ...objs.filter((o) => o.kind !== 'Namespace')];
}

/** `service/my-app` as kubectl prints it. */
export function objectRef(o: KubeObject): string {
  return `${(o.kind ?? '').toLowerCase()}/${o.metadata.name ?? ''}`;
}

/** Creates each object; an existing one is reported unchanged. Returns the lines kubectl would print. */
export async function applyObjects(client: ClientSet, objs: readonly KubeObject[], io: Io): Promise<number> {
  let failed = 0;
  for (const o of objs) {
    const info = resourceByKind(o.apiVersion ?? '', o.kind ?? '');
    if (info === undefined) {
      io.stderr(`error: no resource for ${o.apiVersion ?? ''} ${o.kind ?? ''}\n`);
      failed++;
      continue;
    }
    const rc = client.resource(info.resource as ResourceName) as unknown as ResourceClient<KubeObject>;
    const target = info.namespaced ? rc.namespace(o.metadata.namespace ?? 'default') : rc;
    try {
      await target.create(o, { fieldManager: 'svclab-demo' });
      io.stdout(`${objectRef(o)} created\n`);
    } catch (err) {
      if (isAlreadyExists(err)) {
        io.stdout(`${objectRef(o)} unchanged\n`);
        continue;
      }
      failed++;
      io.stderr(`error: ${objectRef(o)}: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  return failed === 0 ? 0 : 1;
}

export async function demo(argv: readonly string[], io: Io): Promise<number> {
  let opts: DemoOptions;
  try {
    opts = parseDemoArgs(argv);
  } catch (err) {
    if (!isUsageError(err)) throw err;
    io.stderr(`svclab demo: ${err.message}\n${demoUsage}`);
    return 2;
  }
  const objs = demoObjects(opts);
  if (opts.dryRun) {
    for (const o of objs) io.stdout(`${objectRef(o)} (dry run)\n`);
    return 0;
  }
  const cluster = loadCluster();
  const code = await applyObjects(cluster.client('svclab-demo'), objs, io);
  if (code === 0) {
    io.stdout(`\nTry: svclab curl --node node-1 http://my-app.production/   and   kubectl get svc -n production\n`);
  }
  return code;
}

// One schema source for every served kind: the apiserver renders OpenAPI v2/v3, strict field checking
// and strategic-merge patch metadata from these definitions. Data only.
import { AllResources } from '../register.js';
import { appsV1Definitions } from './apps-v1.js';
import { APPS, AUTOSCALING, CORE, COORDINATION, DISCOVERY, listKind, META } from './builders.js';
import { coordinationV1Definitions } from './coordination-v1.js';
import { coreV1Definitions } from './core-v1.js';
import { discoveryV1Definitions } from './discovery-v1.js';
import { metaV1Definitions } from './meta-v1.js';
import type { DefinitionSchema, DefinitionTable, SchemaGVK } from './types.js';

export type {
  DefinitionSchema,
  DefinitionTable,
  FieldSchema,
  ListType,
  PatchStrategy,
  SchemaGVK,
} from './types.js';

/** Upstream definition-name prefix of each served group version ('v1' is the core group). */
export const DefinitionPrefixes: Readonly<Record<string, string>> = {
  v1: CORE,
  'discovery.k8s.io/v1': DISCOVERY,
  'coordination.k8s.io/v1': COORDINATION,
  'apps/v1': APPS,
  'autoscaling/v1': AUTOSCALING,
  'meta.k8s.io/v1': META,
};

const kinds: DefinitionTable = {
  ...metaV1Definitions,
  ...coreV1Definitions,
  ...discoveryV1Definitions,
  ...coordinationV1Definitions,
  ...appsV1Definitions,
};

const lists: Record<string, DefinitionSchema> = {};
for (const r of AllResources) {
  const gv = r.group === '' ? r.version : `${r.group}/${r.version}`;
  const prefix = DefinitionPrefixes[gv];
  if (prefix === undefined) continue;
  lists[`${prefix}${r.listKind}`] = listKind(
    { group: r.group, version: r.version, kind: r.kind },
    `${prefix}${r.kind}`,
  );
}

/** Every definition by upstream name, e.g. `io.k8s.api.core.v1.Service`, `io.k8s.api.core.v1.ServiceList`. */
export const Definitions: DefinitionTable = { ...kinds, ...lists };

/** The definition name serving apiVersion/kind (via `gvk`), or undefined for unknown kinds. */
export function definitionName(apiVersion: string, kind: string): string | undefined {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  return byGVK.get(`${group}/${version}/${kind}`);
}

const byGVK = new Map<string, string>();
for (const [name, def] of Object.entries(Definitions)) {
  for (const g of def.gvk ?? ([] as SchemaGVK[])) {
    if (!byGVK.has(`${g.group}/${g.version}/${g.kind}`))
      byGVK.set(`${g.group}/${g.version}/${g.kind}`, name);
  }
}

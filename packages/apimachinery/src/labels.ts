// Label selectors as k8s.io/apimachinery/pkg/labels: the query-string grammar and LabelSelector.
import type { LabelSelector } from '@svclab/api';

export type Operator = 'in' | 'notin' | 'exists' | '!' | '=' | '==' | '!=' | 'gt' | 'lt';

export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
}

/** An immutable, parsed selector. `everything()` matches all; `nothing()` matches none. */
export interface Selector {
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
  empty(): boolean;
  requirements(): readonly Requirement[];
  toString(): string;
}

function matchRequirement(r: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const v = labels[r.key];
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(v ?? '');
    case 'notin':
    case '!=':
      return !has || !r.values.includes(v ?? '');
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has) return false;
      const n = Number(v);
      const bound = Number(r.values[0]);
      if (!Number.isInteger(n)) return false;
      return r.operator === 'gt' ? n > bound : n < bound;
    }
  }
}

function requirementString(r: Requirement): string {
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${r.values.join(',')})`;
    case 'gt':
      return `${r.key}>${r.values[0] ?? ''}`;
    case 'lt':
      return `${r.key}<${r.values[0] ?? ''}`;
    case '=':
    case '==':
    case '!=':
      return `${r.key}${r.operator}${r.values[0] ?? ''}`;
  }
}

class InternalSelector implements Selector {
  constructor(private readonly reqs: readonly Requirement[]) {}
  matches(labels: Readonly<Record<string, string>> | undefined): boolean {
    const l = labels ?? {};
    return this.reqs.every((r) => matchRequirement(r, l));
  }
  empty(): boolean {
    return this.reqs.length === 0;
  }
  requirements(): readonly Requirement[] {
    return this.reqs;
  }
  toString(): string {
    return this.reqs.map(requirementString).join(',');
  }
}

const nothingSelector: Selector = {
  matches: () => false,
  empty: () => false,
  requirements: () => [],
  toString: () => '',
};

export function everything(): Selector {
  return new InternalSelector([]);
}

export function nothing(): Selector {
  return nothingSelector;
}

/** Selector from a plain map (a Service's spec.selector): every pair must match. */
export function selectorFromSet(set: Readonly<Record<string, string>> | undefined): Selector {
  const keys = Object.keys(set ?? {}).sort();
  return new InternalSelector(
    keys.map((k) => ({ key: k, operator: '=', values: [set?.[k] ?? ''] })),
  );
}

/** Selector from a metav1.LabelSelector; `undefined` → nothing (as LabelSelectorAsSelector(nil)). */
export function selectorFromLabelSelector(ls: LabelSelector | undefined): Selector {
  if (ls === undefined) return nothing();
  const reqs: Requirement[] = [];
  for (const k of Object.keys(ls.matchLabels ?? {}).sort()) {
    reqs.push({ key: k, operator: '=', values: [ls.matchLabels?.[k] ?? ''] });
  }
  for (const e of ls.matchExpressions ?? []) {
    const op: Operator =
      e.operator === 'In'
        ? 'in'
        : e.operator === 'NotIn'
          ? 'notin'
          : e.operator === 'Exists'
            ? 'exists'
            : '!';
    if ((op === 'in' || op === 'notin') && (e.values ?? []).length === 0) {
      throw new LabelSelectorParseError(
        `values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty`,
      );
    }
    reqs.push({ key: e.key, operator: op, values: [...(e.values ?? [])].sort() });
  }
  return new InternalSelector(reqs);
}

/** A selector string that does not parse; the apiserver turns it into 400 BadRequest. */
export class LabelSelectorParseError extends Error {
  override readonly name = 'LabelSelectorParseError';
}

export function isLabelSelectorParseError(err: unknown): err is LabelSelectorParseError {
  return err instanceof Error && err.name === 'LabelSelectorParseError';
}

const keyRe =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const valueRe = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(k: string): void {
  const name = k.includes('/') ? k.slice(k.indexOf('/') + 1) : k;
  if (!keyRe.test(k) || name.length > 63) {
    throw new LabelSelectorParseError(
      `unable to parse requirement: key: Invalid value: ${JSON.stringify(k)}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
}

function checkValue(v: string): void {
  if (!valueRe.test(v) || v.length > 63) {
    throw new LabelSelectorParseError(
      `unable to parse requirement: values[0]: Invalid value: ${JSON.stringify(v)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
}

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function parseRequirement(raw: string): Requirement {
  const s = raw.trim();
  if (s === '')
    throw new LabelSelectorParseError(`found '', expected: !, identifier, or 'end of string'`);
  if (s.startsWith('!')) {
    const key = s.slice(1).trim();
    checkKey(key);
    return { key, operator: '!', values: [] };
  }
  const setMatch = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(s);
  if (setMatch) {
    const [, key = '', op = 'in', list = ''] = setMatch;
    checkKey(key);
    const values = list.split(',').map((v) => v.trim());
    if (list.trim() === '') values.length = 0;
    values.forEach(checkValue);
    return { key, operator: op as Operator, values: [...new Set(values)].sort() };
  }
  const opMatch = /^([^=!<>\s]+)\s*(==|!=|=|>|<)\s*(.*)$/.exec(s);
  if (opMatch) {
    const [, key = '', sym = '=', value = ''] = opMatch;
    checkKey(key);
    if (sym === '>' || sym === '<') {
      if (!/^-?\d+$/.test(value)) {
        throw new LabelSelectorParseError(
          `unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`,
        );
      }
      return { key, operator: sym === '>' ? 'gt' : 'lt', values: [value] };
    }
    checkValue(value);
    return { key, operator: sym as Operator, values: [value] };
  }
  if (/\s/.test(s))
    throw new LabelSelectorParseError(
      `unable to parse requirement: found '${s}', expected: in, notin, =, ==, !=, gt, lt`,
    );
  checkKey(s);
  return { key: s, operator: 'exists', values: [] };
}

/** Parses `?labelSelector=` syntax: `a=b,c!=d,e in (f,g),!h,i`. Throws LabelSelectorParseError. */
export function parseSelector(s: string): Selector {
  if (s.trim() === '') return everything();
  const reqs = splitTopLevel(s).map(parseRequirement);
  return new InternalSelector(
    [...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
  );
}

// Field selectors (`?fieldSelector=metadata.name=x,spec.nodeName!=y`), as apimachinery/pkg/fields.
import { LabelSelectorParseError } from './labels.js';

export interface FieldRequirement {
  readonly field: string;
  readonly operator: '=' | '!=';
  readonly value: string;
}

export interface FieldSelector {
  /** `fields` maps a field path (e.g. `spec.nodeName`) to its value on one object. */
  matches(fields: Readonly<Record<string, string>>): boolean;
  requirements(): readonly FieldRequirement[];
  empty(): boolean;
}

/** Parses a field selector. Throws LabelSelectorParseError (same 400 handling) on bad syntax. */
export function parseFieldSelector(s: string): FieldSelector {
  const reqs: FieldRequirement[] = [];
  if (s.trim() !== '') {
    for (const part of s.split(',')) {
      const m = /^\s*([^=!\s]+)\s*(==|!=|=)\s*(.*?)\s*$/.exec(part);
      if (!m)
        throw new LabelSelectorParseError(`invalid selector: '${s}'; can't understand '${part}'`);
      const [, field = '', op = '=', value = ''] = m;
      reqs.push({ field, operator: op === '!=' ? '!=' : '=', value });
    }
  }
  return {
    matches: (fields) =>
      reqs.every((r) => {
        const v = fields[r.field] ?? '';
        return r.operator === '=' ? v === r.value : v !== r.value;
      }),
    requirements: () => reqs,
    empty: () => reqs.length === 0,
  };
}

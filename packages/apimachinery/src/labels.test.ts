import { describe, expect, it } from 'vitest';
import { parseFieldSelector } from './field-selector.js';
import {
  isLabelSelectorParseError,
  parseSelector,
  selectorFromLabelSelector,
  selectorFromSet,
} from './labels.js';

describe('label selectors', () => {
  const pod = { app: 'web', tier: 'frontend', env: 'prod' };
  it.each([
    { name: 'equality', sel: 'app=web', want: true },
    { name: 'double equals', sel: 'app==web', want: true },
    { name: 'inequality', sel: 'app!=web', want: false },
    { name: 'inequality on a missing key', sel: 'missing!=x', want: true },
    { name: 'AND of two', sel: 'app=web,tier=frontend', want: true },
    { name: 'AND, one fails', sel: 'app=web,tier=backend', want: false },
    { name: 'in', sel: 'env in (prod, staging)', want: true },
    { name: 'notin', sel: 'env notin (prod)', want: false },
    { name: 'notin on a missing key', sel: 'zone notin (a)', want: true },
    { name: 'exists', sel: 'tier', want: true },
    { name: 'does not exist', sel: '!tier', want: false },
    { name: 'empty selects everything', sel: '', want: true },
  ])('$name: $sel', ({ sel, want }) => {
    expect(parseSelector(sel).matches(pod)).toBe(want);
  });

  it.each(['app=', 'a b c', 'app in (x', '=x'])('rejects or parses %s without crashing', (sel) => {
    try {
      const s = parseSelector(sel);
      expect(typeof s.matches(pod)).toBe('boolean');
    } catch (err) {
      expect(isLabelSelectorParseError(err)).toBe(true);
    }
  });

  it('rejects an invalid key', () => {
    expect(() => parseSelector('-bad=x')).toThrow(/unable to parse requirement/);
  });

  it('builds from a Service selector and a LabelSelector', () => {
    expect(selectorFromSet({ app: 'web' }).matches(pod)).toBe(true);
    expect(selectorFromSet({ app: 'db' }).matches(pod)).toBe(false);
    const ls = selectorFromLabelSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod'] },
        { key: 'x', operator: 'DoesNotExist' },
      ],
    });
    expect(ls.matches(pod)).toBe(true);
    expect(selectorFromLabelSelector(undefined).matches(pod)).toBe(false);
  });

  it('parses field selectors', () => {
    const fs = parseFieldSelector('spec.nodeName=node-1,status.phase!=Failed');
    expect(fs.matches({ 'spec.nodeName': 'node-1', 'status.phase': 'Running' })).toBe(true);
    expect(fs.matches({ 'spec.nodeName': 'node-2', 'status.phase': 'Running' })).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { parseTokenFile } from './token-file.js';

describe('parseTokenFile', () => {
  const cases = [
    { name: 'minimal', text: 'abc,alice,1', token: 'abc', want: { name: 'alice', uid: '1', groups: [] } },
    {
      name: 'quoted groups',
      text: '# comment\n\nt1,bob,2,"system:masters,dev"\n',
      token: 't1',
      want: { name: 'bob', uid: '2', groups: ['system:masters', 'dev'] },
    },
    { name: 'single group', text: 't2,carol,3,admins', token: 't2', want: { name: 'carol', uid: '3', groups: ['admins'] } },
  ];
  it.each(cases)('$name', ({ text, token, want }) => {
    expect(parseTokenFile(text).get(token)).toEqual(want);
  });

  it('rejects a line without a user', () => {
    expect(() => parseTokenFile('lonely')).toThrow(/line 1/);
  });
});

import { describe, expect, it } from 'vitest';
import { ControllerExpectations, ExpectationsTimeoutMs } from './expectations.js';

describe('ControllerExpectations', () => {
  const cases = [
    {
      name: 'nothing expected',
      adds: 0,
      dels: 0,
      observe: [] as ('add' | 'del')[],
      elapsed: 0,
      want: true,
    },
    {
      name: 'creates pending',
      adds: 2,
      dels: 0,
      observe: ['add'] as ('add' | 'del')[],
      elapsed: 0,
      want: false,
    },
    {
      name: 'creates observed',
      adds: 2,
      dels: 0,
      observe: ['add', 'add'] as ('add' | 'del')[],
      elapsed: 0,
      want: true,
    },
    {
      name: 'deletes pending',
      adds: 0,
      dels: 1,
      observe: [] as ('add' | 'del')[],
      elapsed: 0,
      want: false,
    },
    {
      name: 'deletes observed',
      adds: 0,
      dels: 1,
      observe: ['del'] as ('add' | 'del')[],
      elapsed: 0,
      want: true,
    },
    {
      name: 'expired',
      adds: 3,
      dels: 0,
      observe: [] as ('add' | 'del')[],
      elapsed: ExpectationsTimeoutMs + 1,
      want: true,
    },
  ];
  it.each(cases)('$name', ({ adds, dels, observe, elapsed, want }) => {
    let t = 1000;
    const e = new ControllerExpectations(() => t);
    e.expect('ns/rs', adds, dels);
    for (const o of observe) {
      if (o === 'add') e.creationObserved('ns/rs');
      else e.deletionObserved('ns/rs');
    }
    t += elapsed;
    expect(e.satisfied('ns/rs')).toBe(want);
  });
});

import { describe, expect, it } from 'vitest';
import { ContainerLog } from './container-log.js';

function logAt(start: number): { log: ContainerLog; tick: (ms: number) => void } {
  let t = start;
  return {
    log: new ContainerLog(() => t, 5),
    tick: (ms) => {
      t += ms;
    },
  };
}

describe('ContainerLog', () => {
  const t0 = Date.parse('2026-11-26T15:00:00.250Z');

  it('reads every line, or the tail, or those since a time, with or without timestamps', () => {
    const { log, tick } = logAt(t0);
    log.write('one');
    tick(10_000);
    log.write('two');
    tick(10_000);
    log.write('three');
    expect(log.read()).toBe('one\ntwo\nthree\n');
    expect(log.read({ tailLines: 2 })).toBe('two\nthree\n');
    expect(log.read({ tailLines: 0 })).toBe('');
    expect(log.read({ sinceSeconds: 15 })).toBe('two\nthree\n');
    expect(log.read({ tailLines: 1, timestamps: true })).toBe(
      '2026-11-26T15:00:20.250000000Z three\n',
    );
    expect(log.read({ limitBytes: 6 })).toBe('one\ntw');
  });

  it('keeps only the last maxLines', () => {
    const { log } = logAt(t0);
    for (let i = 1; i <= 7; i++) log.write(String(i));
    expect(log.read()).toBe('3\n4\n5\n6\n7\n');
  });

  it('follow streams the lines written after it, until stopped', () => {
    const { log } = logAt(t0);
    log.write('before');
    const got: string[] = [];
    const stop = log.follow((l) => got.push(l), { timestamps: true });
    log.write('after');
    stop();
    log.write('ignored');
    expect(got).toEqual(['2026-11-26T15:00:00.250000000Z after\n']);
  });

  it('close ends every follower, and a follow after it ends at once', () => {
    const { log } = logAt(t0);
    let ended = 0;
    log.follow(() => undefined, { onEnd: () => ended++ });
    log.close();
    log.follow(() => undefined, { onEnd: () => ended++ });
    expect(ended).toBe(2);
    log.write('kept');
    expect(log.read()).toBe('kept\n');
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';

describe('parseConfig --udp-listener', () => {
  it('defaults to the batch listener', () => {
    expect(parseConfig([], {}).udpBatch).toBe(true);
    expect(parseConfig(['--udp-listener', 'batch'], {}).udpBatch).toBe(true);
  });

  it('takes dgram', () => {
    expect(parseConfig(['--udp-listener', 'dgram'], {}).udpBatch).toBe(false);
  });

  it('rejects anything else with a clear error', () => {
    expect(() => parseConfig(['--udp-listener', 'fast'], {})).toThrow(new ConfigError('--udp-listener: want batch|dgram, got fast'));
  });
});

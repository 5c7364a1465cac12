import { describe, expect, it } from 'vitest';
import { isConfigError, parseAgentOptions } from './options.js';

describe('parseAgentOptions', () => {
  it.each([
    {
      name: 'defaults from NODE_IP',
      argv: [],
      env: { NODE_IP: '127.0.1.3', NODE_NAME: 'n3' },
      want: [{ name: 'n3', ip: '127.0.1.3', podCIDR: '127.244.3.0/24', zone: 'zone-c', kubeletPort: 10250, nodeEntry: '127.0.1.3:1080' }],
      health: '127.0.1.3:10248',
    },
    {
      name: 'flags override',
      argv: ['--pod-cidr', '127.244.77.0/24', '--zone=z9', '--node-entry', '127.0.0.1:9999', '--healthz-bind-address', '127.0.0.1:0', '--port', '11250'],
      env: { NODE_IP: '127.0.1.1', NODE_NAME: 'a' },
      want: [{ name: 'a', ip: '127.0.1.1', podCIDR: '127.244.77.0/24', zone: 'z9', kubeletPort: 11250, nodeEntry: '127.0.0.1:9999' }],
      health: '127.0.0.1:0',
    },
    {
      name: '--nodes 3 from 127.0.1.5',
      argv: ['--nodes', '3'],
      env: { NODE_IP: '127.0.1.5' },
      want: [
        { name: 'node-5', ip: '127.0.1.5', podCIDR: '127.244.5.0/24', zone: 'zone-b', kubeletPort: 10250, nodeEntry: '127.0.1.5:1080' },
        { name: 'node-6', ip: '127.0.1.6', podCIDR: '127.244.6.0/24', zone: 'zone-c', kubeletPort: 10250, nodeEntry: '127.0.1.6:1080' },
        { name: 'node-7', ip: '127.0.1.7', podCIDR: '127.244.7.0/24', zone: 'zone-a', kubeletPort: 10250, nodeEntry: '127.0.1.7:1080' },
      ],
      health: '127.0.1.5:10248',
    },
  ])('$name', ({ argv, env, want, health }) => {
    const o = parseAgentOptions(argv, env);
    expect(o.nodes).toEqual(want);
    expect(o.healthzBindAddress).toBe(health);
    expect(o.nodeLeaseDurationSeconds).toBe(40);
  });

  it.each([
    { name: 'unknown flag', argv: ['--bogus', '1'], env: {} },
    { name: 'bad --nodes', argv: ['--nodes', '0'], env: {} },
    { name: 'bad --port', argv: ['--port', '70000'], env: {} },
    { name: 'too many nodes', argv: ['--nodes', '250'], env: { NODE_IP: '127.0.1.100' } },
    { name: 'non-loopback NODE_IP', argv: [], env: { NODE_IP: '10.0.0.1' } },
    { name: 'missing value', argv: ['--zone'], env: {} },
  ])('rejects $name', ({ argv, env }) => {
    let err: unknown;
    try {
      parseAgentOptions(argv, env);
    } catch (e) {
      err = e;
    }
    expect(isConfigError(err)).toBe(true);
  });
});

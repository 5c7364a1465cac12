import type { Node, Pod } from '@svclab/api';
import { describe, expect, it } from 'vitest';
import { kubeletAddress, logContainer } from './pod-log.js';

const pod = (containers: string[]): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'default' },
  spec: { containers: containers.map((name) => ({ name, image: 'svclab/echo' })) },
});

describe('pods/log', () => {
  it('takes the only container, or the one asked for', () => {
    expect(logContainer(pod(['echo']), undefined)).toBe('echo');
    expect(logContainer(pod(['echo', 'side']), 'side')).toBe('side');
  });

  it("rejects as upstream: no container chosen among several, or one the pod doesn't have", () => {
    expect(() => logContainer(pod(['echo', 'side']), undefined)).toThrow(
      'a container name must be specified for pod web-1, choose one of: [echo side]',
    );
    expect(() => logContainer(pod(['echo']), 'nope')).toThrow(
      'container nope is not valid for pod web-1',
    );
  });

  it("reaches the node's kubelet on its InternalIP and daemon endpoint port", () => {
    const node: Node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-1' },
      status: {
        addresses: [
          { type: 'Hostname', address: 'node-1' },
          { type: 'InternalIP', address: '127.0.1.1' },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      },
    };
    expect(kubeletAddress(node)).toEqual({ host: '127.0.1.1', port: 10250 });
    expect(() => kubeletAddress({ ...node, status: {} })).toThrow(
      'node node-1 has no InternalIP address to reach its kubelet',
    );
  });
});

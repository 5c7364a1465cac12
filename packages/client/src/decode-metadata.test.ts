import { describe, expect, it } from 'vitest';
import { decodeMetadata } from './decode-metadata.js';

const slice = {
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: {
    name: 'web-abc',
    namespace: 'prod',
    uid: 'u-1',
    resourceVersion: '42',
    generation: 3,
    labels: { 'kubernetes.io/service-name': 'web', 'x}': '"{[' },
    annotations: { note: 'brace } bracket ] quote \\" slash \\\\' },
  },
  addressType: 'IPv4',
  endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true } }],
  ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
};

describe('decodeMetadata', () => {
  it.each([
    { name: 'apiserver layout (metadata after scalars)', text: JSON.stringify(slice) },
    { name: 'indented', text: JSON.stringify(slice, null, 2) },
    {
      name: 'metadata after an object field (whole-text fallback)',
      text: JSON.stringify({ endpoints: slice.endpoints, metadata: slice.metadata }),
    },
    { name: 'metadata first', text: JSON.stringify({ metadata: slice.metadata, kind: 'X' }) },
    {
      name: 'scalar fields of every kind before metadata',
      text: `{"a":1,"b":true,"c":null,"d":-1.5e3,"e":"s\\"}","metadata":${JSON.stringify(slice.metadata)}}`,
    },
    {
      name: 'escaped key before metadata (whole-text fallback)',
      text: `{"k\\u0069nd":"X","metadata":${JSON.stringify(slice.metadata)}}`,
    },
    { name: 'no metadata', text: JSON.stringify({ kind: 'Status', code: 200 }) },
    { name: 'empty metadata', text: JSON.stringify({ kind: 'X', metadata: {} }) },
  ])('$name: same metadata as JSON.parse', ({ text }) => {
    const full = JSON.parse(text) as { metadata?: unknown };
    expect(decodeMetadata(text)).toStrictEqual({ metadata: full.metadata ?? {} });
  });

  it.each([
    { name: 'not JSON', text: '<html>' },
    { name: 'truncated metadata', text: '{"kind":"X","metadata":{"name":"a"' },
    { name: 'unterminated key', text: '{"kind' },
  ])('$name: throws a SyntaxError', ({ text }) => {
    expect(() => decodeMetadata(text)).toThrow(SyntaxError);
  });
});

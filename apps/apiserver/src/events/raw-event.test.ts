import type { ChangeEvent } from '@svclab/bus';
import { describe, expect, it } from 'vitest';
import { decodeChangeEvent, decodeChangeEventHeader, lazyChangeEvent, rawObjectJSON } from './raw-event.js';

/** The event text as RedisStorage.write builds it. */
function wire(e: { type: string; resource: string; namespace: string; name: string; rev: number; prev: number; object: string; traceparent?: string; time: string }): string {
  const head = `{"type":"${e.type}","resource":${JSON.stringify(e.resource)},"namespace":${JSON.stringify(e.namespace)},"name":${JSON.stringify(e.name)}`;
  const tail = `${e.traceparent === undefined ? '' : `,"traceparent":${JSON.stringify(e.traceparent)}`},"time":"${e.time}"}`;
  return `${head},"rev":${e.rev},"prev":${e.prev},"object":${e.object}${tail}`;
}

const obj = (extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { resourceVersion: '7', name: 'web', managedFields: [{ time: '2026-01-01T00:00:00Z', manager: 'x' }] },
    spec: { ports: [{ port: 80 }] },
    ...extra,
  });

const base = { type: 'MODIFIED', resource: 'services', namespace: 'default', name: 'web', rev: 7, prev: 6, time: '2026-11-26T10:00:00.000Z' };

describe('decodeChangeEvent', () => {
  it.each([
    { name: 'plain', text: wire({ ...base, object: obj() }) },
    { name: 'traceparent', text: wire({ ...base, object: obj(), traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }) },
    { name: 'cluster-scoped', text: wire({ ...base, namespace: '', object: obj() }) },
    { name: 'quotes and unicode in values', text: wire({ ...base, name: 'a"b', object: obj({ data: { k: ',"object":{"x":1},"time":"\u2028é\ud800' } }) }) },
    { name: 'object and time keys inside the object', text: wire({ ...base, object: obj({ object: { time: 'y' }, time: 'z' }) }) },
  ])('keeps the exact object text: $name', ({ text }) => {
    const e = decodeChangeEvent(text);
    expect(e).toEqual(JSON.parse(text));
    expect(rawObjectJSON(e)).toBe(JSON.stringify(e.object));
  });

  it.each([
    { name: 'other key order', text: JSON.stringify({ object: JSON.parse(obj()) as unknown, ...base }) },
    { name: 'extra key', text: JSON.stringify({ ...base, object: JSON.parse(obj()) as unknown, extra: 1 }) },
    { name: 'whitespace', text: JSON.stringify({ ...base, object: JSON.parse(obj()) as unknown }, null, 1) },
  ])('decodes other layouts without raw text: $name', ({ text }) => {
    const e = decodeChangeEvent(text);
    expect(e).toEqual(JSON.parse(text));
    expect(rawObjectJSON(e)).toBeUndefined();
  });

  it('has no raw text for events it did not decode', () => {
    expect(rawObjectJSON(JSON.parse(wire({ ...base, object: obj() })) as ChangeEvent)).toBeUndefined();
  });
});

describe('decodeChangeEventHeader', () => {
  it.each([
    { name: 'plain', text: wire({ ...base, object: obj() }) },
    { name: 'traceparent', text: wire({ ...base, object: obj(), traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }) },
    { name: 'cluster-scoped', text: wire({ ...base, namespace: '', object: obj() }) },
    { name: 'quotes in the name, the object key in a value', text: wire({ ...base, name: 'a",\"object\":"b', object: obj({ data: { k: ',"object":{"x":1}' } }) }) },
  ])('reads what a full decode reads before the object: $name', ({ text }) => {
    const full = JSON.parse(text) as ChangeEvent;
    expect(decodeChangeEventHeader(text)).toEqual({ type: full.type, resource: full.resource, namespace: full.namespace, name: full.name, rev: full.rev, prev: full.prev });
  });

  it.each([
    { name: 'no object', text: '{"type":"ADDED","resource":"services","rev":1,"prev":0}' },
    { name: 'another field order', text: `{"resource":"services","type":"ADDED","namespace":"","name":"x","rev":1,"prev":0,"object":{}}` },
    { name: 'a missing field', text: `{"type":"ADDED","resource":"services","namespace":"","rev":1,"prev":0,"object":{}}` },
    { name: 'a string rev', text: `{"type":"ADDED","resource":"services","namespace":"","name":"x","rev":"1","prev":0,"object":{}}` },
    { name: 'not JSON', text: '{"type":,"object":{}}' },
  ])('declines other layouts: $name', ({ text }) => {
    expect(decodeChangeEventHeader(text)).toBeUndefined();
  });
});

describe('lazyChangeEvent', () => {
  const fields = { type: 'MODIFIED', resource: 'services', namespace: 'a', name: 's', rev: 7, prev: 5, time: '2026-11-26T12:00:00.000Z' } as const;
  const objectJSON = '{"apiVersion":"v1","kind":"Service","metadata":{"name":"s","namespace":"a","resourceVersion":"7"}}';

  it('decodes its object on first read, once, and keeps the stored text', () => {
    const e = lazyChangeEvent(fields, objectJSON);
    expect(rawObjectJSON(e)).toBe(objectJSON);
    const first = e.object;
    expect(first).toEqual(JSON.parse(objectJSON));
    expect(e.object).toBe(first);
  });

  it('encodes and compares like the event decodeChangeEvent reads from the same text', () => {
    const e = lazyChangeEvent(fields, objectJSON);
    const text = JSON.stringify(e);
    expect(text).toBe(`{"type":"MODIFIED","resource":"services","namespace":"a","name":"s","rev":7,"prev":5,"time":"2026-11-26T12:00:00.000Z","object":${objectJSON}}`);
    expect(e).toEqual(decodeChangeEvent(text));
  });
});

import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@svclab/api';
import { isBadRequest } from '@svclab/apimachinery';
import { parseSelection } from './selection.js';

const event = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'my-app.1', namespace: 'production', labels: { a: 'b' } },
  involvedObject: { kind: 'Service', namespace: 'production', name: 'my-app', uid: 'u1' },
  reason: 'Created',
  type: 'Normal',
  source: { component: 'endpointslice-controller' },
} as unknown as KubeObject;

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default' },
  spec: { nodeName: 'node-1', containers: [] },
  status: { phase: 'Running' },
} as unknown as KubeObject;

describe('parseSelection', () => {
  const cases = [
    {
      name: 'kubectl describe events',
      resource: 'events',
      obj: event,
      field: 'involvedObject.name=my-app,involvedObject.namespace=production,involvedObject.kind=Service,involvedObject.uid=u1',
      want: true,
    },
    { name: 'event of another object', resource: 'events', obj: event, field: 'involvedObject.name=other', want: false },
    { name: 'event source', resource: 'events', obj: event, field: 'source=endpointslice-controller,type=Normal', want: true },
    { name: 'pods on a node', resource: 'pods', obj: pod, field: 'spec.nodeName=node-1', want: true },
    { name: 'pods not running', resource: 'pods', obj: pod, field: 'status.phase!=Running', want: false },
    { name: 'hostNetwork default', resource: 'pods', obj: pod, field: 'spec.hostNetwork=false', want: true },
    { name: 'label and field', resource: 'events', obj: event, label: 'a=b', field: 'metadata.namespace=production', want: true },
    { name: 'label mismatch', resource: 'events', obj: event, label: 'a=c', field: '', want: false },
  ];
  it.each(cases)('$name', ({ resource, obj, label, field, want }) => {
    expect(parseSelection(resource, label, field).matches(obj)).toBe(want);
  });

  it.each([
    { name: 'field not selectable for the resource', resource: 'services', field: 'spec.nodeName=x' },
    { name: 'bad syntax', resource: 'pods', field: 'spec.nodeName' },
  ])('400 for $name', ({ resource, field }) => {
    let err: unknown;
    try {
      parseSelection(resource, undefined, field);
    } catch (e) {
      err = e;
    }
    expect(isBadRequest(err)).toBe(true);
  });
});

// Records core/v1 Events (client-go record.EventRecorder, abridged): one Event per call, named
// `<object>.<hex>` as upstream, source = the component. Failures are logged, never thrown.
import type { Event, ObjectReference } from '@svclab/api';
import type { ClientSet } from '@svclab/client';
import type { Logger } from '@svclab/telemetry';

export interface EventRecorder {
  event(
    ref: ObjectReference,
    e: { type: 'Normal' | 'Warning'; reason: string; message: string },
  ): void;
}

export function newEventRecorder(
  client: ClientSet,
  component: string,
  logger: Logger,
): EventRecorder {
  return {
    event(ref, { type, reason, message }) {
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      const suffix = (Date.now() * 1000 + Math.floor(Math.random() * 1000)).toString(16);
      const ev: Event = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${ref.name ?? ''}.${suffix}`, namespace: ref.namespace ?? 'default' },
        involvedObject: ref,
        reason,
        message,
        type,
        source: { component },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        reportingComponent: component,
        reportingInstance: component,
      };
      client
        .resource('events')
        .namespace(ref.namespace ?? 'default')
        .create(ev)
        .catch((err: unknown) => {
          logger.warn('could not record event', {
            reason,
            object: `${ref.namespace ?? ''}/${ref.name ?? ''}`,
            err: err instanceof Error ? err.message : String(err),
          });
        });
    },
  };
}

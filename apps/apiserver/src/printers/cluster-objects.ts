// Leases and Events (printLease, printEvent), and the NAME/AGE default for anything else.
import { rec, str } from '../apis/meta/accessors.js';
import {
  ageColumn,
  column,
  nameColumn,
  nameDescription,
  type PrintContext,
  type ResourcePrinter,
} from './columns.js';
import { translateTimestampSince } from './human-duration.js';

export const leasePrinter: ResourcePrinter = {
  columns: [
    nameColumn,
    column('Holder', 'holderIdentity contains the identity of the holder of a current lease.'),
    ageColumn,
  ],
  row(obj: unknown, ctx: PrintContext) {
    const o = rec(obj);
    const meta = rec(o['metadata']);
    return {
      cells: [
        str(meta['name']),
        str(rec(o['spec'])['holderIdentity']),
        translateTimestampSince(meta['creationTimestamp'], ctx.now),
      ],
    };
  },
};

function eventSource(o: Record<string, unknown>): string {
  const source = rec(o['source']);
  const [component, instance] =
    str(source['component']) !== ''
      ? [str(source['component']), str(source['host'])]
      : [str(o['reportingComponent']), str(o['reportingInstance'])];
  return instance === '' ? component : `${component}, ${instance}`;
}

export const eventPrinter: ResourcePrinter = {
  columns: [
    column('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
    column('Type', 'Type of this event (Normal, Warning), new types could be added in the future'),
    column(
      'Reason',
      "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
    ),
    column('Object', 'The object that this event is about.'),
    column(
      'Subobject',
      'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.',
      { priority: 1 },
    ),
    column(
      'Source',
      'The component reporting this event. Should be a short machine understandable string.',
      { priority: 1 },
    ),
    column('Message', 'A human-readable description of the status of this operation.'),
    column(
      'First Seen',
      'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)',
      { priority: 1 },
    ),
    column('Count', 'The number of times this event has occurred.', { priority: 1 }),
    column('Name', nameDescription, { priority: 1, format: 'name' }),
  ],
  row(obj: unknown, ctx: PrintContext) {
    const o = rec(obj);
    const involved = rec(o['involvedObject']);
    let first = translateTimestampSince(o['firstTimestamp'], ctx.now);
    if (str(o['firstTimestamp']) === '') first = translateTimestampSince(o['eventTime'], ctx.now);
    const last =
      str(o['lastTimestamp']) === '' ? first : translateTimestampSince(o['lastTimestamp'], ctx.now);
    const count = typeof o['count'] === 'number' && o['count'] !== 0 ? o['count'] : 1;
    const kind = str(involved['kind']).toLowerCase();
    const target = str(involved['name']) !== '' ? `${kind}/${str(involved['name'])}` : kind;
    return {
      cells: [
        last,
        str(o['type']),
        str(o['reason']),
        target,
        str(involved['fieldPath']),
        eventSource(o),
        str(o['message']).trim(),
        first,
        count,
        str(rec(o['metadata'])['name']),
      ],
    };
  },
};

/** Any other kind: NAME and AGE. */
export const defaultPrinter: ResourcePrinter = {
  columns: [nameColumn, ageColumn],
  row(obj: unknown, ctx: PrintContext) {
    const meta = rec(rec(obj)['metadata']);
    return {
      cells: [str(meta['name']), translateTimestampSince(meta['creationTimestamp'], ctx.now)],
    };
  },
};

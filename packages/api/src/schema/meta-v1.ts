// meta/v1 definitions: object and list metadata, selectors, Status, DeleteOptions, Table.
import {
  arr,
  arrOf,
  bool,
  enumStr,
  int32,
  int64,
  INT_OR_STRING,
  META,
  MICRO_TIME,
  obj,
  QUANTITY,
  ref,
  str,
  strList,
  strMap,
  time,
  TIME,
  typeMeta,
} from './builders.js';
import type { DefinitionTable, SchemaGVK } from './types.js';

/** Group versions whose DeleteOptions the server accepts (upstream lists one GVK per group version). */
const deleteOptionsGVKs: SchemaGVK[] = [
  { group: '', version: 'v1', kind: 'DeleteOptions' },
  { group: 'apps', version: 'v1', kind: 'DeleteOptions' },
  { group: 'autoscaling', version: 'v1', kind: 'DeleteOptions' },
  { group: 'coordination.k8s.io', version: 'v1', kind: 'DeleteOptions' },
  { group: 'discovery.k8s.io', version: 'v1', kind: 'DeleteOptions' },
  { group: 'meta.k8s.io', version: 'v1', kind: 'DeleteOptions' },
];

export const metaV1Definitions: DefinitionTable = {
  [TIME]: {
    description: 'A timestamp in RFC 3339 form with second precision.',
    type: 'string',
    format: 'date-time',
  },
  [MICRO_TIME]: {
    description: 'A timestamp in RFC 3339 form with microsecond precision.',
    type: 'string',
    format: 'date-time',
  },
  [QUANTITY]: {
    description: 'A fixed-point amount such as 100m, 1Gi or 2, written as a string.',
    type: 'string',
  },
  [INT_OR_STRING]: {
    description: 'Either a port number or a named port; holds an integer or a string.',
    type: 'string',
    format: 'int-or-string',
  },
  [`${META}FieldsV1`]: {
    description:
      'The set of fields a manager owns, as a nested map of field keys; opaque to clients.',
    type: 'object',
    preserveUnknownFields: true,
  },
  [`${META}ObjectMeta`]: obj(
    'Metadata every persisted object has: identity, labels, annotations, ownership and lifecycle.',
    {
      name: str('Unique name within the namespace; cannot be changed after creation.'),
      generateName: str('Prefix the server uses to invent a unique name when name is empty.'),
      namespace: str('Namespace the object lives in; empty for cluster-scoped objects.'),
      uid: str('Unique id the server assigns on create; never reused.'),
      resourceVersion: str(
        'Opaque version of this object, used for optimistic concurrency and watch.',
      ),
      generation: int64('Counter of changes to the desired state, bumped by the server.'),
      creationTimestamp: time('When the server stored the object first. Read-only.'),
      deletionTimestamp: time('When deletion was requested; set by the server, read-only.'),
      deletionGracePeriodSeconds: int64(
        'Seconds allowed for graceful deletion once deletionTimestamp is set.',
      ),
      labels: strMap('Key/value pairs used to select and group objects.'),
      annotations: strMap('Key/value pairs for tools and humans; not used for selection.'),
      ownerReferences: arrOf(
        `${META}OwnerReference`,
        'Objects this one depends on; garbage collected when they all go.',
        {
          patchStrategy: 'merge',
          patchMergeKey: 'uid',
          listType: 'map',
          listMapKeys: ['uid'],
        },
      ),
      finalizers: strList('Names that must be removed before the object is deleted from storage.', {
        patchStrategy: 'merge',
        listType: 'set',
      }),
      managedFields: arrOf(
        `${META}ManagedFieldsEntry`,
        'Which manager owns which fields; maintained by the server.',
        {
          listType: 'atomic',
        },
      ),
    },
  ),
  [`${META}ListMeta`]: obj('Metadata of a list response.', {
    resourceVersion: str('Version of the collection at the time of the list; watch from here.'),
    continue: str('Token to fetch the next page; empty on the last page.'),
    remainingItemCount: int64('How many items follow this page, when known.'),
  }),
  [`${META}OwnerReference`]: obj(
    'Points at an owning object in the same namespace.',
    {
      apiVersion: str('API version of the owner.'),
      kind: str('Kind of the owner.'),
      name: str('Name of the owner.'),
      uid: str('UID of the owner.'),
      controller: bool('True when the owner is the managing controller.'),
      blockOwnerDeletion: bool(
        'When true, foreground deletion of the owner waits for this object.',
      ),
    },
    { required: ['apiVersion', 'kind', 'name', 'uid'], mapType: 'atomic' },
  ),
  [`${META}ManagedFieldsEntry`]: obj('One manager and the fields it owns.', {
    manager: str('Name of the client that manages these fields.'),
    operation: enumStr(['Apply', 'Update'], 'How the fields were last written.'),
    apiVersion: str('Version the field set is expressed in.'),
    time: time('When the manager last changed one of its fields.'),
    fieldsType: str('Format of fieldsV1; always FieldsV1.'),
    fieldsV1: ref(`${META}FieldsV1`, 'The owned fields.'),
    subresource: str('Subresource the write went through, if any.'),
  }),
  [`${META}LabelSelectorRequirement`]: obj(
    'One label requirement: a key, an operator and values.',
    {
      key: str('The label key the requirement applies to.'),
      operator: enumStr(
        ['In', 'NotIn', 'Exists', 'DoesNotExist'],
        'How the key relates to the values.',
      ),
      values: strList('Values for In and NotIn; must be empty for Exists and DoesNotExist.', {
        listType: 'atomic',
      }),
    },
    { required: ['key', 'operator'] },
  ),
  [`${META}LabelSelector`]: obj(
    'Selects objects by labels; all requirements are ANDed. An empty selector matches everything.',
    {
      matchLabels: strMap('Exact key/value matches.'),
      matchExpressions: arrOf(`${META}LabelSelectorRequirement`, 'Set-based requirements.', {
        listType: 'atomic',
      }),
    },
    { mapType: 'atomic' },
  ),
  [`${META}Condition`]: obj(
    'One aspect of the current state of an object.',
    {
      type: str('Condition type in CamelCase.'),
      status: enumStr(['True', 'False', 'Unknown'], 'Whether the condition holds.'),
      observedGeneration: int64('The metadata.generation the condition was computed from.'),
      lastTransitionTime: time('When status last changed.'),
      reason: str('Machine-readable CamelCase reason for the last transition.'),
      message: str('Human-readable detail on the last transition.'),
    },
    { required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'] },
  ),
  [`${META}StatusCause`]: obj('One reason an operation failed, possibly tied to a field.', {
    reason: str('Machine-readable cause, e.g. FieldValueInvalid.'),
    message: str('Human-readable explanation.'),
    field: str('Path of the field that caused the error, e.g. spec.ports[0].port.'),
  }),
  [`${META}StatusDetails`]: obj('Extra data about a failure.', {
    name: str('Name of the resource the failure concerns.'),
    group: str('Group of the resource.'),
    kind: str('Kind (or resource) of the object.'),
    uid: str('UID of the object.'),
    causes: arrOf(`${META}StatusCause`, 'Individual causes, e.g. one per invalid field.', {
      listType: 'atomic',
    }),
    retryAfterSeconds: int32('Seconds a client should wait before retrying.'),
  }),
  [`${META}Status`]: obj(
    'The result of an operation that does not return an object, usually a failure.',
    {
      ...typeMeta(),
      metadata: ref(`${META}ListMeta`, 'Standard list metadata.'),
      status: enumStr(['Success', 'Failure'], 'Outcome of the operation.'),
      message: str('Human-readable description of the outcome.'),
      reason: str('Machine-readable CamelCase reason, e.g. NotFound or AlreadyExists.'),
      details: ref(`${META}StatusDetails`, 'Extra data depending on the reason.'),
      code: int32('HTTP status code of this result.'),
    },
    { gvk: [{ group: '', version: 'v1', kind: 'Status' }] },
  ),
  [`${META}Preconditions`]: obj('Conditions that must hold for a delete to proceed.', {
    uid: str('The object must have this UID.'),
    resourceVersion: str('The object must be at this resourceVersion.'),
  }),
  [`${META}DeleteOptions`]: obj(
    'Options for a delete request.',
    {
      ...typeMeta(),
      gracePeriodSeconds: int64('Seconds before the object is removed; 0 deletes immediately.'),
      propagationPolicy: enumStr(
        ['Orphan', 'Background', 'Foreground'],
        'Whether and how dependents are garbage collected.',
      ),
      preconditions: ref(`${META}Preconditions`, 'Must hold or the delete fails with a Conflict.'),
      dryRun: strList('When set to All, the request is validated but nothing is persisted.', {
        listType: 'atomic',
      }),
    },
    { gvk: deleteOptionsGVKs },
  ),
  [`${META}TableColumnDefinition`]: obj(
    'Describes one column of a Table.',
    {
      name: str('Column header.'),
      type: str('OpenAPI type of the cells: string, integer, number, boolean.'),
      format: str('OpenAPI format hint, e.g. name or date.'),
      description: str('What the column shows.'),
      priority: int32('0 for columns shown by default, higher for -o wide.'),
    },
    { required: ['name', 'type', 'format', 'description', 'priority'] },
  ),
  [`${META}TableRowCondition`]: obj(
    'A condition of a Table row, e.g. Completed.',
    {
      type: str('Condition type.'),
      status: str('True, False or Unknown.'),
      reason: str('Machine-readable reason.'),
      message: str('Human-readable detail.'),
    },
    { required: ['type', 'status'] },
  ),
  [`${META}TableRow`]: obj(
    'One row of a Table.',
    {
      cells: arr({ description: '', type: 'object' }, 'Cell values, one per column definition.', {
        listType: 'atomic',
      }),
      conditions: arrOf(`${META}TableRowCondition`, 'Conditions of this row.', {
        listType: 'atomic',
      }),
      object: {
        description: 'The object or its metadata, as requested by includeObject.',
        type: 'object',
      },
    },
    { required: ['cells'] },
  ),
  [`${META}Table`]: obj(
    'A tabular rendering of objects, as kubectl get prints it.',
    {
      ...typeMeta(),
      metadata: ref(`${META}ListMeta`, 'Standard list metadata.'),
      columnDefinitions: arrOf(`${META}TableColumnDefinition`, 'The columns.', {
        listType: 'atomic',
      }),
      rows: arrOf(`${META}TableRow`, 'The rows.', { listType: 'atomic' }),
    },
    {
      required: ['columnDefinitions', 'rows'],
      gvk: [{ group: 'meta.k8s.io', version: 'v1', kind: 'Table' }],
    },
  ),
  [`${META}Patch`]: {
    description:
      'The body of a PATCH request: a JSON patch, a merge patch, a strategic merge patch or an apply configuration.',
    type: 'object',
  },
  [`${META}WatchEvent`]: obj(
    'One event of a watch stream.',
    {
      type: enumStr(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR'], 'What happened.'),
      object: {
        description: 'The object after the change, or a Status for ERROR.',
        type: 'object',
      },
    },
    { required: ['type', 'object'] },
  ),
};

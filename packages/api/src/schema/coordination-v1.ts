// coordination/v1 definitions: Lease.
import { COORDINATION, int32, kind, MICRO_TIME, obj, ref, str } from './builders.js';
import type { DefinitionTable } from './types.js';

export const coordinationV1Definitions: DefinitionTable = {
  [`${COORDINATION}Lease`]: kind(
    { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease' },
    'A lock with an expiry: node heartbeats and leader election.',
    { spec: ref(`${COORDINATION}LeaseSpec`, 'Holder and timing of the lease.') },
  ),
  [`${COORDINATION}LeaseSpec`]: obj('Holder and timing of a lease.', {
    holderIdentity: str('Who holds the lease.'),
    leaseDurationSeconds: int32(
      'Seconds candidates wait after renewTime before taking the lease over.',
    ),
    acquireTime: ref(MICRO_TIME, 'When the current holder acquired the lease.'),
    renewTime: ref(MICRO_TIME, 'When the holder last renewed the lease.'),
    leaseTransitions: int32('How often the lease changed holders.'),
  }),
};

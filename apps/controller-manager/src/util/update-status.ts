// Writes `status` through the status subresource; on a conflict (our cached copy is stale) reads the
// latest object once and writes again, as upstream's updateReplicaSetStatus does. NotFound is a no-op.
import type { KubeObject } from '@svclab/api';
import { isConflict, isNotFound } from '@svclab/apimachinery';
import type { TypedClient } from '@svclab/client';

export async function updateStatus<T extends KubeObject & { status?: unknown }>(
  client: TypedClient<T>,
  obj: T,
  status: T['status'],
): Promise<void> {
  try {
    await client.updateStatus({ ...structuredClone(obj), status });
  } catch (err) {
    if (isNotFound(err)) return;
    if (!isConflict(err)) throw err;
    try {
      const fresh = await client.get(obj.metadata.name ?? '');
      await client.updateStatus({ ...fresh, status });
    } catch (err2) {
      if (!isNotFound(err2)) throw err2;
    }
  }
}

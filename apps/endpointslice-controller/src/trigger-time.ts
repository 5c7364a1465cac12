// The endpoints.kubernetes.io/last-change-trigger-time annotation value: RFC3339Nano in UTC, as Go's
// time.Format(time.RFC3339Nano) writes it (fraction without trailing zeros, none when whole).
import { wellKnown } from '@svclab/api';

export function formatRFC3339Nano(t: Date): string {
  const iso = t.toISOString(); // 2024-01-01T00:00:00.120Z
  return iso.replace(/\.(\d*?)0*Z$/, (_m, frac: string) => (frac === '' ? 'Z' : `.${frac}Z`));
}

/**
 * addTriggerTimeAnnotation: returns `annotations` with the trigger time set, or removed when no
 * trigger time is known. Never mutates its input.
 */
export function withTriggerTime(
  annotations: Readonly<Record<string, string>> | undefined,
  triggerTime: Date | undefined,
): Record<string, string> {
  const key = wellKnown.AnnotationEndpointsLastChangeTriggerTime;
  const out = Object.fromEntries(Object.entries(annotations ?? {}).filter(([k]) => k !== key));
  if (triggerTime !== undefined && !Number.isNaN(triggerTime.getTime()))
    out[key] = formatRFC3339Nano(triggerTime);
  return out;
}

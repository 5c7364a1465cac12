// v1 defaulting for Pods and pod templates (pkg/apis/core/v1/defaults.go: SetDefaults_PodSpec,
// SetDefaults_Container, SetDefaults_Probe, SetDefaults_ContainerPort, SetDefaults_HTTPGetAction).
import type { Container, Pod, PodSpec, Probe } from '@svclab/api';
import { arr, isObject, isRecord } from '../meta/accessors.js';

/** Seconds; `v1.DefaultTerminationGracePeriodSeconds`. */
export const DefaultTerminationGracePeriodSeconds = 30;

/** `parsers.ParseImageName` tag: "latest" when neither a tag nor a digest is given. */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > slash) return name.slice(colon + 1);
  return at >= 0 ? '' : 'latest';
}

function setProbeDefaults(p: unknown): void {
  if (!isRecord(p)) return;
  const probe = p as Probe;
  probe.timeoutSeconds ??= 1;
  probe.periodSeconds ??= 10;
  probe.successThreshold ??= 1;
  probe.failureThreshold ??= 3;
  if (isObject(probe.httpGet)) {
    if (probe.httpGet.path === undefined || probe.httpGet.path === '') probe.httpGet.path = '/';
    probe.httpGet.scheme ??= 'HTTP';
  }
}

function setContainerDefaults(c: unknown): void {
  if (!isRecord(c)) return;
  const ctr = c as unknown as Container;
  if (ctr.imagePullPolicy === undefined)
    ctr.imagePullPolicy =
      imageTag(typeof ctr.image === 'string' ? ctr.image : '') === 'latest'
        ? 'Always'
        : 'IfNotPresent';
  ctr.terminationMessagePath ??= '/dev/termination-log';
  ctr.terminationMessagePolicy ??= 'File';
  for (const p of arr(ctr.ports)) {
    if (isRecord(p) && (p['protocol'] === undefined || p['protocol'] === '')) p['protocol'] = 'TCP';
  }
  setProbeDefaults(ctr.readinessProbe);
  setProbeDefaults(ctr.livenessProbe);
  setProbeDefaults(ctr.startupProbe);
}

/** Defaults a PodSpec in place (pods and every workload template). */
export function setPodSpecDefaults(spec: unknown): void {
  if (!isRecord(spec)) return;
  const s = spec as unknown as PodSpec;
  if (s.restartPolicy === undefined || (s.restartPolicy as string) === '')
    s.restartPolicy = 'Always';
  s.terminationGracePeriodSeconds ??= DefaultTerminationGracePeriodSeconds;
  if (s.dnsPolicy === undefined || s.dnsPolicy === '') s.dnsPolicy = 'ClusterFirst';
  s.schedulerName ??= 'default-scheduler';
  s.enableServiceLinks ??= true;
  for (const c of arr(s.containers)) setContainerDefaults(c);
  for (const c of arr(s.initContainers)) setContainerDefaults(c);
}

export function setPodDefaults(pod: Pod): void {
  setPodSpecDefaults(pod.spec);
}

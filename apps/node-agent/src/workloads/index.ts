// Image → built-in workload. Any tag is accepted (`svclab/echo:1.2`); other images fail to pull.
import { startClient } from './client.js';
import { startEchoHttp } from './echo-http.js';
import { startTcpEcho, startUdpEcho } from './echo-stream.js';
import { ImagePullError, type Workload, type WorkloadContext } from './workload.js';

const workloads: Record<string, (ctx: WorkloadContext) => Promise<Workload>> = {
  'svclab/echo': startEchoHttp,
  'svclab/tcp-echo': startTcpEcho,
  'svclab/udp-echo': startUdpEcho,
  'svclab/client': startClient,
};

export const BuiltinImages = Object.keys(workloads);

export function imageName(image: string): string {
  const at = image.indexOf('@');
  const noDigest = at >= 0 ? image.slice(0, at) : image;
  const colon = noDigest.lastIndexOf(':');
  return colon > noDigest.lastIndexOf('/') ? noDigest.slice(0, colon) : noDigest;
}

export async function startWorkload(image: string, ctx: WorkloadContext): Promise<Workload> {
  const start = workloads[imageName(image)];
  if (start === undefined) {
    throw new ImagePullError(
      `Failed to pull image "${image}": svclab runs only its built-in images (${BuiltinImages.join(', ')})`,
    );
  }
  return start(ctx);
}

export type { Workload, WorkloadContext } from './workload.js';
export { ImagePullError, isImagePullError } from './workload.js';

// `npm install` of @svclab/udp-batch: builds the addon with node-gyp on Linux. Never fails the
// install: without a build (another platform, no compiler) loadUdpBatch() answers undefined and
// users fall back to node:dgram. Headers come from `npm config get nodedir` when set, else from the
// installation of the running node (<prefix>/include/node), so no download is needed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

if (process.platform !== 'linux') {
  console.warn(`@svclab/udp-batch: not built on ${process.platform} (Linux only)`);
  process.exit(0);
}
// npm hands its bundled node-gyp to lifecycle scripts in npm_config_node_gyp.
const gyp = process.env.npm_config_node_gyp;
const args = ['rebuild'];
const prefix = dirname(dirname(process.execPath));
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include/node/node_api.h')))
  args.push(`--nodedir=${prefix}`);
const r = gyp
  ? spawnSync(process.execPath, [gyp, ...args], { stdio: 'inherit' })
  : spawnSync('npx', ['--no-install', 'node-gyp', ...args], { stdio: 'inherit' });
if (r.status !== 0)
  console.warn(
    '@svclab/udp-batch: native build failed; loadUdpBatch() will answer undefined (dgram fallback)',
  );

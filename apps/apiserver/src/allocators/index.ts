// ClusterIP and NodePort allocators: interfaces, Memory (component tests) and Redis (production).
export type { AllocationBitmap, BitmapShape, RandomInt } from './bitmap.js';
export { MemoryBitmap, RedisBitmap } from './bitmap.js';
export type { ClusterIPAllocator, ClusterIPClaim, ParsedCIDR, RedisAllocatorOptions } from './cluster-ip.js';
export {
  BitmapClusterIPAllocator,
  calculateRangeOffset,
  clusterIPShape,
  DefaultServiceClusterIPRange,
  MemoryClusterIPAllocator,
  parseCIDR,
  RedisClusterIPAllocator,
} from './cluster-ip.js';
export type { NodePortAllocator, PortRange } from './node-port.js';
export {
  BitmapNodePortAllocator,
  calculatePortRangeOffset,
  DefaultServiceNodePortRange,
  MemoryNodePortAllocator,
  nodePortShape,
  parsePortRange,
  RedisNodePortAllocator,
} from './node-port.js';
export type { AllocationErrorKind } from './errors.js';
export {
  AllocationError,
  AlreadyAllocatedError,
  isAllocationError,
  isAlreadyAllocated,
  isNotInRange,
  isRangeFull,
  NotInRangeError,
  RangeFullError,
} from './errors.js';

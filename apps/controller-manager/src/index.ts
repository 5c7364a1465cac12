export { ControllerExpectations } from './controller/expectations.js';
export { DeploymentController } from './deployment/deployment-controller.js';
export { main, runControllers } from './main.js';
export { NodeLifecycleController } from './node-lifecycle/node-lifecycle-controller.js';
export { AllControllers, parseDuration, parseOptions } from './options.js';
export type { ControllerManagerOptions, ControllerName } from './options.js';
export { ReplicaSetController } from './replicaset/replicaset-controller.js';
export { Scheduler } from './scheduler/scheduler.js';
export { StatefulSetController } from './statefulset/statefulset-controller.js';

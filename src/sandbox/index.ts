export type { SandboxContext } from './context.ts';
export type { FaultKind, FaultRule } from './http/faults.ts';
export { type RunningSandbox, type SandboxOptions, startSandbox } from './server.ts';
export { DEFAULT_ADMIN, type SandboxUserSpec } from './users.ts';

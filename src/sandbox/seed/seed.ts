import type { SandboxContext } from '../context.ts';
import { addUser, DEFAULT_ADMIN, type SandboxUserSpec } from '../users.ts';

export interface SeedOptions {
  /** `demo` (the project's immunisation registry and HMIS data set) or `empty`. */
  readonly seed?: string;
  /** DHIS2 metadata export files to load, in order. */
  readonly metadata?: readonly string[];
  readonly users?: readonly SandboxUserSpec[];
}

export interface SeedReport {
  readonly adminToken: string;
}

/** Prepares a fresh sandbox: org units, metadata, users, tracker data. */
export async function seedSandbox(ctx: SandboxContext, options: SeedOptions): Promise<SeedReport> {
  const adminToken = 'd2pat_sandboxAdminToken000000000000000000';
  addUser(ctx.metadata, ctx.db, { ...DEFAULT_ADMIN, tokens: [adminToken] }, ctx.orgUnits.roots());
  for (const user of options.users ?? []) addUser(ctx.metadata, ctx.db, user, ctx.orgUnits.roots());
  return { adminToken };
}

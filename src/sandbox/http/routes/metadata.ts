import { Hono } from 'hono';
import type { SandboxContext } from '../../context.ts';
import type { SandboxEnv } from '../env.ts';

export function metadataRoutes(_ctx: SandboxContext): Hono<SandboxEnv> {
  return new Hono<SandboxEnv>();
}

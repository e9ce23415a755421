import { readFileSync } from 'node:fs';
import type { SandboxContext } from '../context.ts';
import { loadMetadataPackage } from '../metadata/package-loader.ts';
import type { MetadataObject } from '../metadata/store.ts';
import { addUser, DEFAULT_ADMIN, type SandboxUserSpec } from '../users.ts';
import {
  DEMO,
  demoHmisPackage,
  demoTrackerPackage,
  type MetadataPackage,
} from './demo-packages.ts';
import { generateTrackerData } from './demo-tracker-data.ts';
import { generateOrgUnitTree } from './org-unit-tree.ts';
import { generatePackageData } from './package-data.ts';

/** What each seed loads; `t2a sandbox --help` lists them. */
export const SEEDS: Record<string, string> = {
  demo: 'the demo immunisation registry, its tracker data and the HMIS data set, in one instance',
  'demo-tracker': 'the demo immunisation registry with generated tracker data (a source instance)',
  'demo-hmis': 'the demo monthly immunisation data set (a target instance)',
  empty: 'the org unit tree and the admin user only (load packages with --metadata)',
};
export const SEED_NAMES = Object.keys(SEEDS);

export interface SeedOptions {
  /** One of SEED_NAMES; `empty` when absent. */
  readonly seed?: string;
  /** DHIS2 metadata export files to load, in order. */
  readonly metadata?: readonly string[];
  readonly users?: readonly SandboxUserSpec[];
  /** Facilities in the generated org unit tree (default 40). */
  readonly facilities?: number;
  /** Seed of the org unit tree: the same seed gives the same tree. */
  readonly orgUnitSeed?: number;
  /** `distinct`: different UIDs (same codes), for instances that are not harmonised. */
  readonly orgUnitIds?: 'shared' | 'distinct';
  /** Months of generated tracker data, for the demo and for the packages' programmes (default 24); 0 for none. */
  readonly months?: number;
  readonly trackerSeed?: number;
  /** Run analytics once the data is loaded. */
  readonly runAnalytics?: boolean;
}

export interface SeedReport {
  readonly adminToken: string;
  readonly root: string;
  readonly facilities: readonly string[];
  readonly people: number;
  readonly events: number;
}

export class SeedError extends Error {
  readonly type = 'seed';
}

function readPackage(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SeedError(`Cannot read the metadata file ${file}: ${(error as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('the top level is not an object');
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new SeedError(
      `${file} is not a DHIS2 metadata export (JSON object of collections): ${(error as Error).message}`,
    );
  }
}

/** Every loaded data set and program is assigned to the facilities, as an implementation would. */
function assignToFacilities(ctx: SandboxContext, facilities: readonly string[]): void {
  for (const type of ['dataSets', 'programs']) {
    const assigned = ctx.metadata.list(type).map(
      (object): MetadataObject => ({
        ...object,
        organisationUnits: facilities.map((id) => ({ id })),
      }),
    );
    if (assigned.length > 0) ctx.metadata.putMany(type, assigned);
  }
}

/** Prepares a fresh sandbox: org units, metadata, users, tracker data, analytics. */
export async function seedSandbox(ctx: SandboxContext, options: SeedOptions): Promise<SeedReport> {
  const seed = options.seed ?? 'empty';
  if (!SEEDS[seed])
    throw new SeedError(`"${seed}" is not a seed. Choose one of: ${SEED_NAMES.join(', ')}.`);
  const tree = generateOrgUnitTree({
    facilities: options.facilities ?? 40,
    seed: options.orgUnitSeed ?? 1,
    ids: options.orgUnitIds ?? 'shared',
  });
  loadMetadataPackage(ctx.metadata, {
    organisationUnits: tree.organisationUnits,
    organisationUnitLevels: tree.organisationUnitLevels,
    organisationUnitGroups: tree.organisationUnitGroups,
  });
  const packages: MetadataPackage[] = [];
  if (seed === 'demo' || seed === 'demo-tracker') packages.push(demoTrackerPackage());
  if (seed === 'demo' || seed === 'demo-hmis') packages.push(demoHmisPackage());
  for (const pkg of packages) loadMetadataPackage(ctx.metadata, pkg);
  for (const file of options.metadata ?? []) loadMetadataPackage(ctx.metadata, readPackage(file));
  assignToFacilities(ctx, tree.facilities);
  const adminToken = 'd2pat_sandboxAdminToken0000000000000000000';
  addUser(ctx.metadata, ctx.db, { ...DEFAULT_ADMIN, tokens: [adminToken] }, [tree.root]);
  for (const user of options.users ?? []) addUser(ctx.metadata, ctx.db, user, [tree.root]);
  let counts = { people: 0, events: 0 };
  const months = options.months ?? 24;
  const demo = seed === 'demo' || seed === 'demo-tracker';
  if (demo && months > 0) {
    counts = generateTrackerData(ctx.db, {
      facilities: tree.facilities,
      months,
      seed: options.trackerSeed ?? 7,
      until: ctx.clock.now(),
    });
  }
  // The programmes of the packages loaded with --metadata get data of their own.
  if ((options.metadata?.length ?? 0) > 0 && months > 0) {
    const generated = generatePackageData(ctx.db, ctx.metadata, {
      facilities: tree.facilities,
      months,
      seed: options.trackerSeed ?? 7,
      until: ctx.clock.now(),
      skip: new Set(demo ? [DEMO.program] : []),
    });
    counts = { people: counts.people + generated.people, events: counts.events + generated.events };
  }
  if (options.runAnalytics) {
    const { runAnalyticsNow } = await import('../analytics/analytics-job.ts');
    runAnalyticsNow(ctx);
  }
  return { adminToken, root: tree.root, facilities: tree.facilities, ...counts };
}

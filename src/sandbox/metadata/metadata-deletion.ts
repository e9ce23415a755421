import type { SandboxContext } from '../context.ts';
import { type ErrorReportJson, errorReport, identifiersWithName } from './error-report.ts';
import {
  emptyStats,
  type ObjectReportJson,
  type TypeReportJson,
  withTotal,
} from './import-report.ts';
import type { ImportBundle, PreparedObject } from './import-rules.ts';
import { klassOf, simpleKlassOf } from './schemas.ts';
import { accessToUpdate } from './security-check.ts';

/*
 * `POST /api/metadata?importStrategy=DELETE` (2.36–2.43): the objects named are removed. Checked as
 * dhis2-core does before anything is removed: an object that does not exist is refused E5001
 * (`DeletionCheck`), one the user may not change E3002 (`SecurityCheck.runValidationCheck`, delete
 * branch; the sandbox knows no DELETE authorities, so write access decides, as for `DELETE /api/…`).
 * The deleted count is the objects found (`ValidationFactory`: `incDeleted(persistedObjects.size())`);
 * with atomicMode ALL one refusal removes nothing (metadata-import.ts).
 */
export function validateDeletion(
  type: string,
  items: readonly PreparedObject[],
  bundle: ImportBundle,
): { report: TypeReportJson; valid: PreparedObject[]; hasErrors: boolean } {
  const { version } = bundle.ctx;
  const klass = klassOf(version, type);
  const stats = emptyStats();
  const reports: ObjectReportJson[] = [];
  const valid: PreparedObject[] = [];
  for (const item of items) {
    const what = identifiersWithName(
      item.object.id,
      item.existing?.name ?? item.object.name,
      simpleKlassOf(version, type),
    );
    let error: ErrorReportJson | undefined;
    if (!item.existing) error = errorReport(version, 'E5001', klass, ['UID', what]);
    else if (!accessToUpdate(bundle.ctx.metadata, bundle.actor, type, item.existing)) {
      const who = identifiersWithName(bundle.actor.id, bundle.actor.displayName, 'User');
      error = errorReport(version, 'E3002', klass, [who, what], { mainId: item.object.id });
    }
    if (!error) {
      valid.push(item);
      continue;
    }
    stats.ignored += 1;
    reports.push({ klass, index: item.index, uid: item.object.id, errorReports: [error] });
  }
  stats.deleted = valid.length;
  return {
    report: { klass, stats: withTotal(stats), objectReports: reports },
    valid,
    hasErrors: reports.length > 0,
  };
}

/**
 * Removes the objects, and what points at them where DHIS2's deletion handlers let go: a program
 * indicator leaves its groups (`ProgramIndicatorGroupDeletionHandler`, 2.36–2.43).
 */
export function commitDeletion(ctx: SandboxContext, items: readonly PreparedObject[]): void {
  for (const item of items) deleteObject(ctx, item.type, item.object.id);
}

export function deleteObject(ctx: SandboxContext, type: string, id: string): boolean {
  if (!ctx.metadata.remove(type, id)) return false;
  if (type === 'programIndicators')
    for (const group of ctx.metadata.list('programIndicatorGroups')) {
      const members = (group.programIndicators as { id?: string }[] | undefined) ?? [];
      if (members.some((member) => member.id === id))
        ctx.metadata.put('programIndicatorGroups', {
          ...group,
          programIndicators: members.filter((member) => member.id !== id),
        });
    }
  return true;
}

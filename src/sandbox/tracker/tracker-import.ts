import type { SandboxContext } from '../context.ts';
import type { SandboxUser } from '../http/env.ts';

/**
 * The tracker importer (`POST /api/tracker`, `TrackerImportController`): tracked entities, enrollments and
 * events, nested or flat, with CREATE_AND_UPDATE, CREATE, UPDATE or DELETE. Field names follow the new
 * tracker model (`occurredAt`, `enrolledAt`); the older `eventDate`/`enrollmentDate` are read too.
 */
interface Attribute {
  attribute: string;
  value: string;
}
interface EventIn {
  event?: string;
  program?: string;
  programStage?: string;
  enrollment?: string;
  orgUnit?: string;
  occurredAt?: string;
  eventDate?: string;
  status?: string;
  dataValues?: { dataElement: string; value: string }[];
}
interface EnrollmentIn {
  enrollment?: string;
  trackedEntity?: string;
  program?: string;
  orgUnit?: string;
  enrolledAt?: string;
  enrollmentDate?: string;
  occurredAt?: string;
  incidentDate?: string;
  status?: string;
  events?: EventIn[];
  attributes?: Attribute[];
}
interface TrackedEntityIn {
  trackedEntity?: string;
  trackedEntityType?: string;
  orgUnit?: string;
  attributes?: Attribute[];
  enrollments?: EnrollmentIn[];
}
export interface TrackerPayload {
  trackedEntities?: TrackedEntityIn[];
  enrollments?: EnrollmentIn[];
  events?: EventIn[];
}

export interface TrackerReport {
  status: 'OK' | 'ERROR';
  stats: { created: number; updated: number; deleted: number; ignored: number; total: number };
  validationReport: {
    errorReports: { message: string; errorCode: string; trackerType: string; uid: string }[];
    warningReports: unknown[];
  };
}

export function importTracker(
  ctx: SandboxContext,
  user: SandboxUser,
  payload: TrackerPayload,
  strategy: string,
): TrackerReport {
  const run = new TrackerImport(ctx, user, strategy);
  ctx.db.transaction(() => {
    for (const entity of payload.trackedEntities ?? []) run.saveTrackedEntity(entity);
    for (const enrollment of payload.enrollments ?? []) run.saveEnrollment(enrollment);
    for (const event of payload.events ?? []) run.saveEvent(event);
  })();
  const report = run.report;
  const stats = report.stats;
  stats.total = stats.created + stats.updated + stats.deleted + stats.ignored;
  if (report.validationReport.errorReports.length > 0) report.status = 'ERROR';
  return report;
}

/** One import: each object checked and written in turn, a problem reported and counted ignored. */
class TrackerImport {
  readonly report: TrackerReport = {
    status: 'OK',
    stats: { created: 0, updated: 0, deleted: 0, ignored: 0, total: 0 },
    validationReport: { errorReports: [], warningReports: [] },
  };
  private readonly now: string;

  constructor(
    private readonly ctx: SandboxContext,
    private readonly user: SandboxUser,
    private readonly strategy: string,
  ) {
    this.now = ctx.clock.now().toISOString().slice(0, 23);
  }

  saveTrackedEntity(entity: TrackedEntityIn): void {
    const { ctx, now } = this;
    const id = entity.trackedEntity ?? '';
    if (this.strategy !== 'DELETE' && !this.orgUnitOk('TRACKED_ENTITY', id, entity.orgUnit)) return;
    const attributes = Object.fromEntries(
      (entity.attributes ?? []).map((a) => [a.attribute, String(a.value)]),
    );
    this.apply('tracked_entities', 'TRACKED_ENTITY', id, () =>
      ctx.db
        .prepare(
          `INSERT INTO tracked_entities (id, tracked_entity_type, org_unit, attributes, created, last_updated, deleted) VALUES (?, ?, ?, ?, ?, ?, 0)
           ON CONFLICT(id) DO UPDATE SET org_unit = excluded.org_unit, attributes = excluded.attributes, last_updated = excluded.last_updated, deleted = 0`,
        )
        .run(
          id,
          entity.trackedEntityType ?? null,
          entity.orgUnit,
          JSON.stringify(attributes),
          now,
          now,
        ),
    );
    for (const enrollment of entity.enrollments ?? []) this.saveEnrollment(enrollment, id);
  }

  saveEnrollment(enrollment: EnrollmentIn, trackedEntity?: string) {
    const { ctx, now } = this;
    const id = enrollment.enrollment ?? '';
    if (!enrollment.program || !ctx.metadata.get('programs', enrollment.program))
      return this.error(
        'ENROLLMENT',
        id,
        'E1069',
        `Could not find Program: \`${enrollment.program}\`, linked to Enrollment.`,
      );
    if (this.strategy !== 'DELETE' && !this.orgUnitOk('ENROLLMENT', id, enrollment.orgUnit)) return;
    const enrolled = (enrollment.enrolledAt ?? enrollment.enrollmentDate ?? now).slice(0, 10);
    this.apply('enrollments', 'ENROLLMENT', id, () =>
      ctx.db
        .prepare(
          `INSERT INTO enrollments (id, tracked_entity, program, org_unit, enrolled_at, occurred_at, status, created, last_updated, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
           ON CONFLICT(id) DO UPDATE SET org_unit = excluded.org_unit, enrolled_at = excluded.enrolled_at, occurred_at = excluded.occurred_at, status = excluded.status, last_updated = excluded.last_updated, deleted = 0`,
        )
        .run(
          id,
          enrollment.trackedEntity ?? trackedEntity ?? null,
          enrollment.program,
          enrollment.orgUnit,
          enrolled,
          (enrollment.occurredAt ?? enrollment.incidentDate ?? enrolled).slice(0, 10),
          enrollment.status ?? 'ACTIVE',
          now,
          now,
        ),
    );
    for (const event of enrollment.events ?? []) this.saveEvent(event, id, enrollment.orgUnit);
  }

  saveEvent(event: EventIn, enrollment?: string, fallbackOu?: string) {
    const { ctx, now } = this;
    const id = event.event ?? '';
    const orgUnit = event.orgUnit ?? fallbackOu;
    // A deletion needs only the UID: the validators do not run for DELETE, only the existence check
    // (tracker importer, 2.40–2.43; ImportStrategyTests.shouldDeleteWithOnlyIdInThePayload).
    if (this.strategy === 'DELETE') return this.apply('events', 'EVENT', id, () => undefined);
    if (!event.programStage || !ctx.metadata.get('programStages', event.programStage))
      return this.error(
        'EVENT',
        id,
        'E1013',
        `Could not find ProgramStage: \`${event.programStage}\`, linked to Event.`,
      );
    if (this.strategy !== 'DELETE' && !this.orgUnitOk('EVENT', id, orgUnit)) return;
    const program =
      event.program ??
      (
        ctx.metadata.get('programStages', event.programStage)?.program as
          | { id?: string }
          | undefined
      )?.id ??
      '';
    const values = Object.fromEntries(
      (event.dataValues ?? []).map((dv) => [dv.dataElement, String(dv.value)]),
    );
    const occurred = (event.occurredAt ?? event.eventDate ?? now).slice(0, 10);
    this.apply('events', 'EVENT', id, () =>
      ctx.db
        .prepare(
          `INSERT INTO events (id, enrollment, program, program_stage, org_unit, occurred_at, status, data_values, created, last_updated, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
           ON CONFLICT(id) DO UPDATE SET enrollment = excluded.enrollment, org_unit = excluded.org_unit, occurred_at = excluded.occurred_at, status = excluded.status, data_values = excluded.data_values, last_updated = excluded.last_updated, deleted = 0`,
        )
        .run(
          id,
          event.enrollment ?? enrollment ?? null,
          program,
          event.programStage,
          orgUnit,
          occurred,
          event.status ?? 'COMPLETED',
          JSON.stringify(values),
          now,
          now,
        ),
    );
  }

  private error(trackerType: string, uid: string, errorCode: string, message: string): void {
    this.report.validationReport.errorReports.push({ message, errorCode, trackerType, uid });
    this.report.stats.ignored += 1;
  }

  private orgUnitOk(type: string, uid: string, orgUnit: string | undefined): true | undefined {
    if (!orgUnit || !this.ctx.metadata.get('organisationUnits', orgUnit))
      return void this.error(
        type,
        uid,
        'E1049',
        `Could not find OrganisationUnit: \`${orgUnit}\`, linked to ${type}.`,
      );
    if (!this.ctx.orgUnits.isWithin(orgUnit, this.user.orgUnits))
      return void this.error(
        type,
        uid,
        'E1000',
        `User: \`${this.user.username}\`, has no write access to OrganisationUnit: \`${orgUnit}\`.`,
      );
    return true;
  }

  /** The strategy decides: write, delete, or refuse an object as missing or already present. */
  private apply(table: string, type: string, id: string, write: () => void) {
    const found = this.ctx.db.prepare(`SELECT deleted FROM ${table} WHERE id = ?`).get(id) as
      | { deleted: number }
      | undefined;
    const present = found !== undefined && found.deleted === 0;
    if (this.strategy === 'DELETE') {
      if (!present) return this.error(type, id, 'E1081', `${type} \`${id}\` does not exist.`);
      this.ctx.db
        .prepare(`UPDATE ${table} SET deleted = 1, last_updated = ? WHERE id = ?`)
        .run(this.now, id);
      this.report.stats.deleted += 1;
      return;
    }
    if (this.strategy === 'CREATE' && present)
      return this.error(type, id, 'E1030', `${type} \`${id}\` already exists.`);
    if (this.strategy === 'UPDATE' && !present)
      return this.error(type, id, 'E1063', `${type} \`${id}\` does not exist.`);
    write();
    this.report.stats[present ? 'updated' : 'created'] += 1;
  }
}

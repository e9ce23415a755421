import {
  columnType,
  enrollmentRowOf,
  eventDates,
  latestEventValue,
  replacementKind,
  rowColumn,
  stored,
} from './columns.ts';
import { Dhis2ParseError } from './parser.ts';
import { type RenderState, replaceNulls, requireColumn } from './render-state.ts';
import { atom, type SqlToken } from './sql-parse.ts';
import type { Expr } from './sql-types.ts';

/**
 * `ProgramItemStageElement`, `ProgramItemAttribute`, `ProgramItemPsEventdate`: the data items of a
 * program indicator.
 */

/** `ErrorCode.E2039`, worded "StageOffset" in 2.38 and "Stage offset" from 2.39. */
function notRepeatable(stage: string, state: RenderState): Dhis2ParseError {
  const name = state.pi.dialect.version.minor === 38 ? 'StageOffset' : 'Stage offset';
  return new Dhis2ParseError(
    `${name} is allowed only for repeatable stages (\`${stage}\` is not repeatable)`,
  );
}

/**
 * `#{stage.de}`: in an EVENT indicator the row's column, checked against the row's stage from 2.38
 * (`case when ax."ps" = 's' then "de" else null end`), the stage ignored before; in an ENROLLMENT
 * indicator the latest non-null value of that stage inside the EVENT_DATE boundaries, or with
 * `.stageOffset(n)` the n-th (`getProgramIndicatorEventInEnrollmentSelectSql`). Nulls replaced unless
 * the context keeps them; the data element must then be in the metadata.
 */
export function dataElementColumn(
  stage: string,
  dataElement: string,
  state: RenderState,
): SqlToken {
  const { pi, stageOffset } = state;
  if (stageOffset !== undefined && !pi.program.repeatable(stage)) throw notRepeatable(stage, state);
  const valueType = pi.valueType('dataElement', dataElement);
  if (state.replaceNulls && valueType === undefined)
    throw new Dhis2ParseError(`Data element ${dataElement} not found during SQL generation.`);
  return atom(() => {
    requireColumn(state, 'dataElement', dataElement);
    const type = columnType(valueType);
    const read = (raw: string | undefined) => stored(raw, type);
    let column: Expr;
    if (pi.analyticsType === 'ENROLLMENT')
      column = {
        type,
        level: 'row',
        column: dataElement,
        eval: (ctx) =>
          latestEventValue(ctx, (event) => read(event.dataValues[dataElement]), {
            stage,
            offset: stageOffset ?? 0,
          }),
      };
    else if (stageOffset !== undefined || pi.dialect.eventStageCheck)
      column = rowColumn(dataElement, type, (row) =>
        row.kind === 'event' && row.programStage === stage
          ? read(row.dataValues[dataElement])
          : null,
      );
    else
      column = rowColumn(dataElement, type, (row) =>
        row.kind === 'event' ? read(row.dataValues[dataElement]) : null,
      );
    return state.replaceNulls ? replaceNulls(column, replacementKind(valueType), state) : column;
  });
}

/** A data element's bare column of the event row, whatever its stage (`d2:maxValue` in EVENT, V{value_count}). */
export function bareDataElement(dataElement: string, state: RenderState): Expr {
  requireColumn(state, 'dataElement', dataElement);
  const type = columnType(state.pi.valueType('dataElement', dataElement));
  return rowColumn(dataElement, type, (row) =>
    row.kind === 'event' ? stored(row.dataValues[dataElement], type) : null,
  );
}

/** `A{attribute}`: the attribute's column of the event or enrollment table. */
export function bareAttribute(attribute: string, state: RenderState): Expr {
  requireColumn(state, 'attribute', attribute);
  const type = columnType(state.pi.valueType('attribute', attribute));
  return rowColumn(attribute, type, (row) =>
    stored(enrollmentRowOf(row)?.attributes[attribute], type),
  );
}

export function attributeColumn(attribute: string, state: RenderState): SqlToken {
  const valueType = state.pi.valueType('attribute', attribute);
  if (state.replaceNulls && valueType === undefined)
    throw new Dhis2ParseError(
      `Tracked entity attribute ${attribute} not found during SQL generation.`,
    );
  return atom(() => {
    const column = bareAttribute(attribute, state);
    return state.replaceNulls ? replaceNulls(column, replacementKind(valueType), state) : column;
  });
}

/**
 * `PS_EVENTDATE:stage`: an EVENT indicator's own event date, whatever the stage; an ENROLLMENT
 * indicator's latest event date of the stage inside the EVENT_DATE boundaries. Never null-replaced.
 */
export function stageEventDate(stage: string, state: RenderState): SqlToken {
  return atom(() => {
    if (state.pi.analyticsType === 'EVENT')
      return rowColumn('occurreddate', 'timestamp', (row) =>
        row.kind === 'event' ? eventDates.occurreddate(row) : null,
      );
    return {
      type: 'timestamp',
      level: 'row',
      column: 'occurreddate',
      eval: (ctx) => latestEventValue(ctx, eventDates.occurreddate, { stage }),
    };
  });
}

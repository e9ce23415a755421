import { describe, expect, it } from 'vitest';
import { conflictIssue, foldIssues } from '../../src/core/issues.ts';
import { conflictCause } from '../../src/dhis2/conflict-causes.ts';
import { readImportResponse } from '../../src/dhis2/import-response.ts';

// Shapes from dhis2-core WebMessageUtils.importSummary per branch and ImportConflict.java (api-notes §2.3–2.5).
const classicSummary = {
  responseType: 'ImportSummary',
  status: 'WARNING',
  description: 'Import process completed successfully',
  importCount: { imported: 2, updated: 0, ignored: 1, deleted: 0 },
  conflicts: [
    {
      object: 'DE_X',
      objects: { dataElement: 'DE_X' },
      value: 'Data element not found or not accessible: `DE_X`',
      errorCode: 'E7610',
      property: 'dataElement',
      indexes: [2],
    },
  ],
  rejectedIndexes: [2],
  dataSetComplete: 'false',
};

describe('reading import answers of every DHIS2 version alike', () => {
  it('reads the bare summary of 2.36/2.37', () => {
    const result = readImportResponse(200, classicSummary);
    expect(result.status).toBe('WARNING');
    expect(result.counts).toEqual({ imported: 2, updated: 0, ignored: 1, deleted: 0 });
    expect(result.conflicts[0]).toMatchObject({
      errorCode: 'E7610',
      objects: { dataElement: 'DE_X' },
      count: 1,
    });
  });

  it('reads the web message with 409 of 2.38–2.42', () => {
    const body = {
      httpStatus: 'Conflict',
      httpStatusCode: 409,
      status: 'WARNING',
      message: 'One more conflicts encountered, please check import summary.',
      response: classicSummary,
    };
    expect(readImportResponse(409, body).counts.imported).toBe(2);
  });

  it('reads the 2.43 engine’s conflicts, which name their objects as args', () => {
    const body = {
      httpStatus: 'Conflict',
      httpStatusCode: 409,
      status: 'ERROR',
      response: {
        responseType: 'ImportSummary',
        status: 'ERROR',
        importCount: { imported: 0, updated: 0, ignored: 3, deleted: 0 },
        conflicts: [
          {
            objects: { args: '0-DE_X' },
            value: 'Value #0 data element not found: `DE_X`',
            errorCode: 'E8103',
            indexes: [-1],
          },
        ],
      },
    };
    const result = readImportResponse(409, body);
    expect(result.status).toBe('ERROR');
    const issues = foldIssues([], result.conflicts.map(conflictIssue));
    expect(issues[0]).toMatchObject({
      cause: 'unknown-data-element',
      title: 'Data element code not found in the target',
    });
  });

  it('recognises 2.36 conflicts, which carry no error code, by their message', () => {
    const message = 'Current date is past expiry days for period 202401 and data set: QX4ZTUbOt3a';
    const issues = foldIssues(
      [],
      [
        conflictIssue({
          errorCode: undefined,
          cause: conflictCause(undefined, message),
          message,
          objects: { object: '202401' },
          indexes: [],
          count: 4,
        }),
      ],
    );
    expect(issues[0]).toMatchObject({ cause: 'locked-period', count: 4 });
  });

  it('treats an answer without a summary as an error that says what came back', () => {
    expect(() => readImportResponse(500, '<html>Bad gateway</html>')).toThrow(
      /HTTP 500 and no import summary/,
    );
  });
});

/**
 * Each conflict as DHIS2 words it, and the cause t2a files it under: the codes' texts of `ErrorCode`
 * (2.40.0 l.447–458; 2.43.1 l.639, l.680–682) and 2.36's coded-less messages
 * (`DefaultDataValueSetService` 2.36.0 l.931, l.1074, l.1134–1135).
 */
describe('the cause of each conflict DHIS2 words', () => {
  it.each([
    ['E7601', 'User does not have write access for DataSet: `DsImm000001`', 'no-write-access'],
    [
      'E7614',
      'Category option combo: `CocF0000001` option not accessible: `CoFemale001`',
      'no-write-access',
    ],
    [
      'E7616',
      'Attribute option combo: `AocDef00001` option not accessible: `CoDonor0001`',
      'no-write-access',
    ],
    ['E8010', 'Current user cannot enter data for data set: `DsImm000001`', 'no-write-access'],
    ['E8011', 'Current user cannot enter data for org unit(s): `OuA00000001`', 'outside-hierarchy'],
    [
      'E8012',
      'Current user cannot enter data for category option(s): `CoFemale001`',
      'no-write-access',
    ],
    [
      'E7617',
      'Organisation unit: `OuA00000001` not in hierarchy of current user: `Uimport0001`',
      'outside-hierarchy',
    ],
    [undefined, 'User does not have write access for DataSet: DsImm000001', 'no-write-access'],
    [
      undefined,
      'Category option combo not found or not accessible for writing data',
      'unknown-category-option-combo',
    ],
    [
      undefined,
      'Value is not an integer, must match data element type: DeBcg000001',
      'invalid-value',
    ],
  ] as const)('%s "%s" is %s', (code, message, cause) => {
    expect(conflictCause(code, message)).toBe(cause);
  });
});

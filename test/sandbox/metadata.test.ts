import { describe, expect, it } from 'vitest';
import { packageFiles, readPackage, withPackages } from '../packages.ts';
import { api, sandboxForFile } from './helpers.ts';

// Behaviour from dhis2-core AbstractFullReadOnlyController, Pager, the field filtering service,
// MetadataImportController and AbstractCrudController (api-notes §4).
/**
 * A 2.36 export's user (`integration-t2a`: account in `userCredentials`, username `who`, no role) is
 * refused by 2.40 as `UserObjectBundleHook` refuses it: its nested account is copied over the user
 * (`populateUserCredentialsDtoFields`), with no role (E4055) and, as the other packages already created
 * a user of that UID (`package_admin`), a changed username (E4056). atomicMode ALL then commits none of
 * that package. 2.36 takes it as it is.
 */
const FROM_236 = 'integration-t2a/EPI_EIR_TRK_1.1.1_DHIS2.36.4.metadata.json';

describe('every real package through POST /api/metadata', withPackages, () => {
  it('loads each one unmodified, but the 2.36 export whose user 2.40 refuses', async () => {
    const sandbox = await sandboxForFile({ dhis2Version: '2.40', seed: 'empty', facilities: 2 });
    for (const file of packageFiles()) {
      const { status, body } = await api(sandbox, '/api/metadata', { body: readPackage(file) });
      if (file === FROM_236) {
        expect(status, file).toBe(409);
        const errors = body.response.typeReports.flatMap((type: any) =>
          type.objectReports.flatMap((object: any) => object.errorReports),
        );
        expect(errors.map((error: any) => error.errorCode)).toEqual(['E4056', 'E4055']);
        continue;
      }
      expect(status, file).toBe(200);
      expect(body).toMatchObject({
        httpStatusCode: 200,
        status: 'OK',
        response: { responseType: 'ImportReport', status: 'OK' },
      });
      expect(body.response.stats.total, file).toBeGreaterThan(0);
    }
  });

  it('loads the 2.36 export on 2.36', async () => {
    const sandbox = await sandboxForFile({ dhis2Version: '2.36', seed: 'empty', facilities: 2 });
    const { status, body } = await api(sandbox, '/api/metadata', { body: readPackage(FROM_236) });
    expect(status).toBe(200);
    expect(body.status).toBe('OK');
  });
});

describe('metadata in the sandbox', async () => {
  const sandbox = await sandboxForFile({
    dhis2Version: '2.40',
    seed: 'demo',
    facilities: 12,
    users: [{ username: 'clerk', password: 'Clerk123!', authorities: ['F_DATAVALUE_ADD'] }],
  });

  it('follows references and inverse relations in nested fields', async () => {
    const { body } = await api(
      sandbox,
      '/api/dataElements?filter=code:eq:IMM_BCG_DOSES&fields=id,code,categoryCombo[id,categoryOptionCombos[code]],dataSetElements[dataSet[id,periodType]]&paging=false',
    );
    const [element] = body.dataElements;
    expect(element.code).toBe('IMM_BCG_DOSES');
    expect(element.categoryCombo.categoryOptionCombos.length).toBeGreaterThan(1);
    expect(element.dataSetElements[0].dataSet).toEqual({
      id: 'DemoImmMon1',
      periodType: 'Monthly',
    });
  });

  it('filters through a dotted path: the members of a program indicator group', async () => {
    const groups = await api(
      sandbox,
      '/api/programIndicatorGroups?fields=id,programIndicators[id,name]&paging=false',
    );
    const group = groups.body.programIndicatorGroups.find(
      (g: any) => g.programIndicators.length > 0,
    );
    // A package's group may name an indicator the package does not carry: only existing members match.
    const members = group.programIndicators
      .filter((pi: any) => pi.name !== undefined)
      .map((pi: any) => pi.id);
    const { body } = await api(
      sandbox,
      `/api/programIndicators?filter=programIndicatorGroups.id:eq:${group.id}&fields=id&paging=false`,
    );
    expect(body.programIndicators.map((pi: any) => pi.id).sort()).toEqual(members.sort());
    expect(members.length).toBeGreaterThan(10);
  });

  it('filters with in:[…] and ilike, AND-ed', async () => {
    const { body } = await api(
      sandbox,
      '/api/attributes?filter=id:in:[vudyDP7jUy5,nope]&filter=name:ilike:aggregate&fields=id,name,programIndicatorAttribute&paging=false',
    );
    expect(body.attributes).toEqual([
      expect.objectContaining({ id: 'vudyDP7jUy5', programIndicatorAttribute: true }),
    ]);
  });

  it('pages with DHIS2’s pager: absolute next and previous links, none past the ends', async () => {
    const first = await api(sandbox, '/api/organisationUnits?pageSize=5&fields=id');
    expect(first.body.pager).toMatchObject({ page: 1, pageSize: 5, total: expect.any(Number) });
    expect(first.body.pager.nextPage).toMatch(
      new RegExp(`^${sandbox.baseUrl}/api/organisationUnits\\?.*page=2`),
    );
    expect(first.body.pager.prevPage).toBeUndefined();
    const last = await api(
      sandbox,
      `/api/organisationUnits?pageSize=5&fields=id&page=${first.body.pager.pageCount}`,
    );
    expect(last.body.pager.nextPage).toBeUndefined();
    expect(last.body.organisationUnits.length).toBeGreaterThan(0);
    const all = await api(sandbox, '/api/organisationUnits?paging=false&fields=id');
    expect(all.body.pager).toBeUndefined();
    expect(all.body.organisationUnits).toHaveLength(first.body.pager.total);
  });

  it('answers the default fields id and displayName', async () => {
    const { body } = await api(sandbox, '/api/dataSets?pageSize=1');
    expect(Object.keys(body.dataSets[0]).sort()).toEqual(['displayName', 'id']);
  });

  it('creates an attribute with 201 and a Location, and refuses a duplicate name with E5003', async () => {
    const attribute = {
      name: 'Target data element (test)',
      shortName: 'Target DE',
      valueType: 'TEXT',
      programIndicatorAttribute: true,
    };
    const created = await api(sandbox, '/api/attributes', { body: attribute });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      httpStatus: 'Created',
      status: 'OK',
      response: { responseType: 'ObjectReport', uid: expect.stringMatching(/^\w{11}$/) },
    });
    expect(created.headers.get('location')).toContain(
      `/api/attributes/${created.body.response.uid}`,
    );
    const again = await api(sandbox, '/api/attributes', { body: attribute });
    expect(again.status).toBe(409);
    expect(again.body.response.errorReports[0].errorCode).toBe('E5003');
  });

  it('answers an unknown object with 404', async () => {
    const { status, body } = await api(sandbox, '/api/programIndicators/abcdefghijk');
    expect(status).toBe(404);
    expect(body).toMatchObject({
      httpStatusCode: 404,
      status: 'ERROR',
      message: 'ProgramIndicator with id abcdefghijk could not be found.',
    });
  });

  // MetadataImportExportController asks no authority; SecurityCheck asks each type's create
  // authority inside the import (E3000, AttributeSchemaDescriptor: F_ATTRIBUTE_PUBLIC_ADD/_PRIVATE_ADD).
  it('refuses a user without the create authority inside the import, not at the endpoint', async () => {
    const clerk = `Basic ${Buffer.from('clerk:Clerk123!').toString('base64')}`;
    const empty = await api(sandbox, '/api/metadata', { body: { attributes: [] }, auth: clerk });
    expect(empty.status).toBe(200);
    const attribute = { id: 'AtrClerk001', name: 'Clerk attribute', valueType: 'TEXT' };
    const { status, body } = await api(sandbox, '/api/metadata', {
      body: { attributes: [attribute] },
      auth: clerk,
    });
    expect(status).toBe(409);
    expect(body.response.typeReports[0].objectReports[0].errorReports[0].errorCode).toBe('E3000');
    const me = await api(sandbox, '/api/me?fields=username,authorities', { auth: clerk });
    expect(me.body).toEqual({ username: 'clerk', authorities: ['F_DATAVALUE_ADD'] });
  });
});

describe('the metadata import answer before 2.38', async () => {
  const sandbox = await sandboxForFile({ dhis2Version: '2.37', seed: 'empty', facilities: 2 });
  it('is the bare import report', async () => {
    const attribute = (id: string, name: string) => ({
      id,
      name,
      valueType: 'TEXT',
      programIndicatorAttribute: true,
    });
    const { body } = await api(sandbox, '/api/metadata', {
      body: {
        attributes: [attribute('AtrA0000001', 'Code A'), attribute('AtrB0000001', 'Code B')],
      },
    });
    expect(body).toMatchObject({
      responseType: 'ImportReport',
      status: 'OK',
      stats: { total: 2 },
    });
    expect(body.httpStatusCode).toBeUndefined();
  });
});

describe.each([
  ['2.37.8', false],
  ['2.37.9', true],
  ['2.38.1', false],
  ['2.39.0', true],
  ['2.43.1', true],
] as const)('a list filtered by an attribute UID as property, on %s', (version, reads) => {
  // `DefaultJpaQueryParser.getRestriction`: an unknown property that is a UID filters by that
  // attribute's value (`asAttribute()`, from 2.37.9, 2.38.2, 2.39.0); before, "Unknown path property"
  // (`QueryParserException`, 2.36.0 l.120) → 409 (`CrudControllerAdvice.queryExceptionHandler`).
  it(reads ? 'reads the attribute’s value' : 'is an unknown property: 409', async () => {
    const sandbox = await sandboxForFile({
      dhis2Version: version,
      seed: 'demo-hmis',
      facilities: 2,
    });
    const [a] = sandbox.seed.facilities as [string];
    const unit = sandbox.context.metadata.get('organisationUnits', a)!;
    sandbox.context.metadata.put('attributes', {
      id: 'AtHmisId001',
      name: 'HMIS id',
      valueType: 'TEXT',
      organisationUnitAttribute: true,
    });
    sandbox.context.metadata.put('organisationUnits', {
      ...unit,
      attributeValues: [{ attribute: { id: 'AtHmisId001' }, value: 'HMIS-1' }],
    });
    const { status, body } = await api(
      sandbox,
      '/api/organisationUnits?fields=id&filter=AtHmisId001:in:[HMIS-1,HMIS-9]',
    );
    if (!reads) {
      expect(status).toBe(409);
      expect(body.message).toBe('Unknown path property: AtHmisId001');
      return;
    }
    expect(status).toBe(200);
    expect(body.organisationUnits).toEqual([{ id: a }]);
  });
});

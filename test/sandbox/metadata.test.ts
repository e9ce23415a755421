import { describe, expect, it } from 'vitest';
import { packageFiles, readPackage, withPackages } from '../packages.ts';
import { api, sandboxForFile } from './helpers.ts';

// Behaviour from dhis2-core AbstractFullReadOnlyController, Pager, the field filtering service,
// MetadataImportController and AbstractCrudController (api-notes §4).
describe('every real package through POST /api/metadata', withPackages, () => {
  it('loads each one unmodified', async () => {
    const sandbox = await sandboxForFile({ dhis2Version: '2.40', seed: 'empty', facilities: 2 });
    for (const file of packageFiles()) {
      const { status, body } = await api(sandbox, '/api/metadata', { body: readPackage(file) });
      expect(status, file).toBe(200);
      expect(body).toMatchObject({
        httpStatusCode: 200,
        status: 'OK',
        response: { responseType: 'ImportReport', status: 'OK' },
      });
      expect(body.response.stats.total, file).toBeGreaterThan(0);
    }
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

  it('refuses metadata writes to a user without the authority', async () => {
    const clerk = `Basic ${Buffer.from('clerk:Clerk123!').toString('base64')}`;
    const { status } = await api(sandbox, '/api/metadata', {
      body: { attributes: [] },
      auth: clerk,
    });
    expect(status).toBe(403);
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

import { describe, expect, it } from 'vitest';
import { Dhis2Client } from '../../src/dhis2/client.ts';
import { fetchDataValueAudits } from '../../src/dhis2/data-value-audits.ts';
import { silentLogger } from '../../src/log.ts';

const clientAnswering = (status: number, body: unknown, asked: URL[] = []) =>
  new Dhis2Client(
    {
      name: 'hmis',
      url: 'https://hmis.example.org',
      auth: { kind: 'token', token: 'd2pat_x' },
      timeoutMs: 1000,
      retries: 0,
      retryDelayMs: 0,
    },
    silentLogger(),
    async (request) => {
      asked.push(new URL(request.url));
      return new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    },
  );

const CELL = { dataElement: 'DeBcgDose01', period: '202603', orgUnit: 'Ou000000001' };

describe("a data value's audit trail", () => {
  it('reads dataValueAudits as AuditController writes them (2.36–2.43), oldest first', async () => {
    const asked: URL[] = [];
    const client = clientAnswering(
      200,
      {
        dataValueAudits: [
          {
            auditType: 'UPDATE',
            value: '5',
            modifiedBy: 'clerk',
            created: '2026-04-12T09:00:00.000',
            categoryOptionCombo: { id: 'CocLt1yF001' },
            attributeOptionCombo: { id: 'HllvX50cXC0' },
          },
          {
            auditType: 'CREATE',
            value: '5',
            modifiedBy: 't2a-import',
            created: '2026-04-10T02:00:00.000',
            categoryOptionCombo: { id: 'CocLt1yF001' },
            attributeOptionCombo: { id: 'HllvX50cXC0' },
          },
        ],
      },
      asked,
    );
    const trail = await fetchDataValueAudits(client, CELL);
    expect(
      trail?.map((entry) => [entry.auditType, entry.modifiedBy, entry.categoryOptionCombo]),
    ).toEqual([
      ['CREATE', 't2a-import', 'CocLt1yF001'],
      ['UPDATE', 'clerk', 'CocLt1yF001'],
    ]);
    expect(asked[0]!.pathname).toBe('/api/audits/dataValue');
    expect(Object.fromEntries(asked[0]!.searchParams)).toEqual({
      de: 'DeBcgDose01',
      pe: '202603',
      ou: 'Ou000000001',
      skipPaging: 'true',
    });
  });

  it('has no trail where the server keeps none the user may read (404, 403)', async () => {
    await expect(
      fetchDataValueAudits(clientAnswering(404, { status: 'ERROR' }), CELL),
    ).resolves.toBeUndefined();
    await expect(
      fetchDataValueAudits(clientAnswering(403, { status: 'ERROR' }), CELL),
    ).resolves.toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { api, sandboxForFile } from '../helpers.ts';

/*
 * `POST /api/programIndicators/{expression|filter}/description` (`ProgramIndicatorController`): 200
 * either way, OK with the items named, or ERROR with the parser's message as description.
 */
describe.each(['2.37', '2.42'])(
  'program indicator description endpoints on %s',
  async (version) => {
    const sandbox = await sandboxForFile({ dhis2Version: version, seed: 'demo-tracker' });
    const describe_ = (kind: string, text: string) =>
      api(sandbox, `/api/programIndicators/${kind}/description`, {
        body: text,
        headers: { 'content-type': 'text/plain' },
      });

    it('describes a valid filter with the names of its stage, data element and attribute', async () => {
      const { status, body } = await describe_(
        'filter',
        "#{DemoVaccStg.DemoDeVacc1} == 'BCG' && A{DemoTeaSex1} == 'FEMALE'",
      );
      expect(status).toBe(200);
      expect(body.status).toBe('OK');
      expect(body.description).not.toContain('DemoDeVacc1');
      expect(body.description).not.toContain('DemoTeaSex1');
    });

    it('refuses a data element that does not exist, in the parser’s words', async () => {
      const { status, body } = await describe_('filter', "#{DemoVaccStg.NoSuchDe001} == 'BCG'");
      expect(status).toBe(200);
      expect(body).toMatchObject({
        status: 'ERROR',
        description: 'Data element NoSuchDe001 not found',
      });
    });

    it('refuses a number where a filter must be true or false, and a condition as an expression', async () => {
      expect((await describe_('filter', 'V{event_count}')).body.status).toBe('ERROR');
      expect((await describe_('expression', 'V{event_count}')).body.status).toBe('OK');
      expect((await describe_('expression', "A{DemoTeaSex1} == 'MALE'")).body.status).toBe('ERROR');
    });
  },
);

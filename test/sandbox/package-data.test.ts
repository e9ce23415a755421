import { describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/index.ts';
import { comparedConstants } from '../../src/sandbox/seed/package-data.ts';
import { packagePath, REAL_PACKAGES, readPackage, withPackages } from '../packages.ts';
import { api } from './helpers.ts';

const NOW = new Date('2026-11-24T08:00:00Z');

/** The tracker packages (named so by their makers): the ones a user rehearses their tracker side on. */
const TRACKER_PACKAGES = REAL_PACKAGES.manifest
  .map((entry) => entry.file)
  .filter((file) => file.includes('_TRK_'));

describe('tracker data for any loaded package', () => {
  it('reads the constants the indicators compare data elements and attributes with', () => {
    const constants = comparedConstants([
      {
        id: 'a',
        expression: 'd2:countIfValue(#{Stage000001.Dose0000001}, 3)',
        filter:
          "#{Stage000001.Vaccine0001} == 'BCG' && A{Sex00000001}=='FEMALE' && 1 < #{Age00000001}",
      },
    ]);
    expect(Object.fromEntries(constants)).toEqual({
      Vaccine0001: ['BCG'],
      Sex00000001: ['FEMALE'],
      Age00000001: ['1'],
      Dose0000001: ['3'],
    });
  });

  describe('each real tracker package', withPackages, () => {
    it.each(TRACKER_PACKAGES)(
      '%s: three months of data give values for most of its indicators, the same for the same seed',
      async (file) => {
        const start = () =>
          startSandbox({
            dhis2Version: '2.41',
            seed: 'empty',
            metadata: [packagePath(file)],
            months: 3,
            runAnalytics: true,
            now: NOW,
            facilities: 12,
            maxRequestLine: 0,
          });
        const sandbox = await start();
        const again = await start();
        try {
          expect(sandbox.seed.events).toBeGreaterThan(0);
          expect(again.seed).toEqual(sandbox.seed);
          const indicators = (
            await api(sandbox, '/api/programIndicators?fields=id&paging=false')
          ).body.programIndicators.map((pi: { id: string }) => pi.id) as string[];
          const withValues = new Set<string>();
          for (const id of indicators) {
            const { status, body } = await api(
              sandbox,
              `/api/analytics/dataValueSet.json?dimension=dx:${id}&dimension=pe:202609;202610;202611&dimension=ou:${sandbox.seed.root}`,
            );
            if (status === 200 && body.dataValues.length > 0) withValues.add(id);
          }
          expect(
            withValues.size / indicators.length,
            `${withValues.size} of ${indicators.length}`,
          ).toBeGreaterThan(0.5);
        } finally {
          await Promise.all([sandbox.stop(), again.stop()]);
        }
      },
    );
  });
});

describe('rehearsal from the command line', withPackages, () => {
  it('t2a sandbox --seed empty --metadata PACKAGE --months 3 --run-analytics answers analytics for most indicators', async () => {
    const { spawn } = await import('node:child_process');
    const file = packagePath('MPOX_EIR/MPOX_EIR_TRK_DHIS2.40.4.1-en.metadata.json');
    const bin = new URL('../../bin/t2a.js', import.meta.url).pathname;
    const child = spawn(
      process.execPath,
      [
        bin,
        'sandbox',
        '--seed',
        'empty',
        '--metadata',
        file,
        '--months',
        '3',
        '--run-analytics',
        '--port',
        '0',
        '--dhis2-version',
        '2.41',
        '--now',
        NOW.toISOString(),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let printed = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (data) => {
          printed += data;
          const found = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(printed)?.[1];
          if (found && printed.includes('Ctrl-C')) resolve(found);
        });
        child.on('exit', (code) => reject(new Error(`the sandbox exited (${code}): ${printed}`)));
      });
      expect(printed).toMatch(/\d+ tracked entities and \d+ events generated, analytics run/);
      const sandbox = { baseUrl: url } as Parameters<typeof api>[0];
      const indicators = (await api(sandbox, '/api/programIndicators?fields=id&paging=false')).body
        .programIndicators as { id: string }[];
      const root = (
        await api(sandbox, '/api/organisationUnits?fields=id&filter=level:eq:1&paging=false')
      ).body.organisationUnits[0].id as string;
      let withValues = 0;
      for (const { id } of indicators) {
        const { status, body } = await api(
          sandbox,
          `/api/analytics/dataValueSet.json?dimension=dx:${id}&dimension=pe:202609;202610;202611&dimension=ou:${root}`,
        );
        if (status === 200 && body.dataValues.length > 0) withValues += 1;
      }
      expect(
        withValues / indicators.length,
        `${withValues} of ${indicators.length}`,
      ).toBeGreaterThan(0.5);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('an add-on package with only indicators (CVC T2A) rehearses on top of its tracker package', async () => {
    const sandbox = await startSandbox({
      dhis2Version: '2.41',
      seed: 'empty',
      metadata: [
        packagePath('CVC_EIR/CVC_EIR_TRK_DHIS2.39.0-en.metadata.json'),
        packagePath('CVC_EIR/CVC_EIR_T2A_DHIS2.39.0-en.metadata.json'),
      ],
      months: 3,
      runAnalytics: true,
      now: NOW,
      facilities: 12,
    });
    try {
      const addOn = (
        readPackage('CVC_EIR/CVC_EIR_T2A_DHIS2.39.0-en.metadata.json').programIndicators as {
          id: string;
        }[]
      ).map((pi) => pi.id);
      let withValues = 0;
      for (const id of addOn) {
        const { body } = await api(
          sandbox,
          `/api/analytics/dataValueSet.json?dimension=dx:${id}&dimension=pe:202609;202610;202611&dimension=ou:${sandbox.seed.root}`,
        );
        if ((body.dataValues ?? []).length > 0) withValues += 1;
      }
      expect(withValues / addOn.length, `${withValues} of ${addOn.length}`).toBeGreaterThan(0.5);
    } finally {
      await sandbox.stop();
    }
  });
});

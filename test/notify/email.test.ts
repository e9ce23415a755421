import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { composeNotification } from '../../src/core/notification.ts';
import type { JobReport } from '../../src/core/report.ts';
import { silentLogger } from '../../src/log.ts';
import { emailNotifier } from '../../src/notify/email.ts';
import { notifyAll } from '../../src/notify/notifier.ts';

const failedReport: JobReport = {
  runId: '20261124T020000Z-abc123',
  job: 'immunisation',
  source: 'tracker',
  sourceVersion: '2.40.3',
  periods: ['202610'],
  orgUnitCount: 0,
  indicators: { total: 0, mapped: 0, unmapped: 0 },
  targets: [],
  failedChunks: [],
  error: {
    kind: 'connection',
    message: 'Cannot reach hmis at https://hmis.example.org: ECONNREFUSED.',
    fix: 'Check the URL, that the server is up.',
  },
  startedAt: '2026-11-24T02:00:00Z',
  finishedAt: '2026-11-24T02:00:01Z',
};

describe('failure mail', async () => {
  const received: { from: string; to: string[]; subject: string; text: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        received.push({
          from: mail.from?.text ?? '',
          to: [mail.to].flat().map((to) => (to as { text: string }).text),
          subject: mail.subject ?? '',
          text: mail.text ?? '',
        });
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reaches a real SMTP server with what failed, what to do and the run id', async () => {
    const notifier = emailNotifier({
      host: '127.0.0.1',
      port,
      secure: false,
      from: 't2a@moh.example.org',
      to: ['hmis-team@moh.example.org'],
    });
    const outcome = await notifyAll(
      [notifier],
      composeNotification(failedReport, 'moh-server'),
      silentLogger(),
    );
    expect(outcome.failed).toEqual([]);
    expect(received).toHaveLength(1);
    expect(received[0]!.to).toEqual(['hmis-team@moh.example.org']);
    expect(received[0]!.subject).toMatch(/\[t2a\] immunisation: FAILED/);
    expect(received[0]!.text).toContain('ECONNREFUSED');
    expect(received[0]!.text).toContain('What to do: Check the URL');
    expect(received[0]!.text).toContain('t2a show 20261124T020000Z-abc123');
  });

  it('logs a failing notifier and does not throw', async () => {
    const broken = emailNotifier({
      host: '127.0.0.1',
      port: 1,
      secure: false,
      from: 'a@b.c',
      to: ['d@e.f'],
    });
    const outcome = await notifyAll(
      [broken],
      composeNotification(failedReport, 'moh-server'),
      silentLogger(),
    );
    expect(outcome.sent).toEqual([]);
    expect(outcome.failed[0]?.notifier).toMatch(/email/);
  });
});

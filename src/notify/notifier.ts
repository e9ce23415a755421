import type { Notification } from '../core/notification.ts';
import type { Logger } from '../log.ts';

/** Somewhere a run's message goes: e-mail, a DHIS2 message, a webhook. */
export interface Notifier {
  readonly name: string;
  send(notification: Notification): Promise<void>;
}

/**
 * Sends to every notifier. A notifier that fails is logged and reported back, and never fails or hides
 * the run's own result.
 */
export async function notifyAll(
  notifiers: readonly Notifier[],
  notification: Notification,
  logger: Logger,
): Promise<{ sent: string[]; failed: { notifier: string; error: string }[] }> {
  const sent: string[] = [];
  const failed: { notifier: string; error: string }[] = [];
  await Promise.all(
    notifiers.map(async (notifier) => {
      try {
        await notifier.send(notification);
        sent.push(notifier.name);
      } catch (error) {
        failed.push({ notifier: notifier.name, error: (error as Error).message });
        logger.error(
          { notifier: notifier.name, err: (error as Error).message, runId: notification.runId },
          'notification failed',
        );
      }
    }),
  );
  return { sent, failed };
}

import type { Notification } from '../core/notification.ts';
import type { Notifier } from './notifier.ts';

/** A JSON POST of the notification to a URL (chat, monitoring). */
export function webhookNotifier(url: string, timeoutMs = 10_000): Notifier {
  return {
    name: `webhook ${new URL(url).host}`,
    async send(notification: Notification) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(notification),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) throw new Error(`the webhook answered HTTP ${response.status}`);
    },
  };
}

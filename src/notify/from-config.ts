import type { LoadedConfig } from '../config/load.ts';
import type { Dhis2Client } from '../dhis2/client.ts';
import { dhis2MessageNotifier } from './dhis2-message.ts';
import { emailNotifier } from './email.ts';
import type { Notifier } from './notifier.ts';
import { webhookNotifier } from './webhook.ts';

/** The notifiers the configuration asks for; DHIS2 messages go through the named connection's client. */
export function notifiersFromConfig(
  config: LoadedConfig,
  client: (connection: string) => Dhis2Client,
): Notifier[] {
  const settings = config.config.notifications;
  const notifiers: Notifier[] = [];
  if (settings?.email) notifiers.push(emailNotifier(settings.email));
  if (settings?.dhis2) {
    notifiers.push(dhis2MessageNotifier(client(settings.dhis2.connection), settings.dhis2));
  }
  if (settings?.webhook) notifiers.push(webhookNotifier(settings.webhook.url));
  return notifiers;
}

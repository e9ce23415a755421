import type { LoadedConfig } from '../config/load.ts';
import { Dhis2Client } from '../dhis2/client.ts';
import type { Logger } from '../log.ts';
import { dhis2MessageNotifier } from './dhis2-message.ts';
import { emailNotifier } from './email.ts';
import type { Notifier } from './notifier.ts';
import { webhookNotifier } from './webhook.ts';

/** The notifiers the configuration asks for. */
export function notifiersFromConfig(config: LoadedConfig, logger: Logger): Notifier[] {
  const settings = config.config.notifications;
  const notifiers: Notifier[] = [];
  if (settings?.email) notifiers.push(emailNotifier(settings.email));
  if (settings?.dhis2) {
    const connection = config.connections.get(settings.dhis2.connection)!;
    notifiers.push(dhis2MessageNotifier(new Dhis2Client(connection, logger), settings.dhis2));
  }
  if (settings?.webhook) notifiers.push(webhookNotifier(settings.webhook.url));
  return notifiers;
}

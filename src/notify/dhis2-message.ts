import type { Notification } from '../core/notification.ts';
import type { Dhis2Client } from '../dhis2/client.ts';
import type { Notifier } from './notifier.ts';

/** A DHIS2 message (`POST /api/messageConversations`) to users and user groups of an instance. */
export function dhis2MessageNotifier(
  client: Dhis2Client,
  recipients: { users: readonly string[]; userGroups: readonly string[] },
): Notifier {
  return {
    name: `DHIS2 message on ${client.name}`,
    async send(notification: Notification) {
      await client.post(
        'messageConversations',
        {},
        {
          subject: notification.subject.slice(0, 255),
          text: notification.text,
          users: recipients.users.map((id) => ({ id })),
          userGroups: recipients.userGroups.map((id) => ({ id })),
        },
      );
    },
  };
}

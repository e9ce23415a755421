import nodemailer from 'nodemailer';
import type { Notification } from '../core/notification.ts';
import type { Notifier } from './notifier.ts';

export interface EmailSettings {
  readonly host: string;
  readonly port: number;
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  readonly secure: boolean;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly from: string;
  readonly to: readonly string[];
  /** Accept a self-signed certificate (a ministry's internal relay). */
  readonly allowSelfSigned?: boolean | undefined;
}

export function emailNotifier(settings: EmailSettings): Notifier {
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    ...(settings.username
      ? { auth: { user: settings.username, pass: settings.password ?? '' } }
      : {}),
    tls: { rejectUnauthorized: !settings.allowSelfSigned },
  });
  return {
    name: `email ${settings.to.join(', ')}`,
    async send(notification: Notification) {
      await transport.sendMail({
        from: settings.from,
        to: [...settings.to],
        subject: notification.subject,
        text: notification.text,
      });
    },
  };
}

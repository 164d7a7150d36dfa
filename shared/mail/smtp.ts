/** E-mail over SMTP (nodemailer): local mode's loopback mail server, which keeps every message. */
import { createTransport } from 'nodemailer';
import type { Mailer } from './mailer.ts';

export function smtpMailer(url: string, sender: string): Mailer {
  // Loopback only: no TLS to negotiate and no account to log in with.
  const { hostname, port } = new URL(url);
  const transport = createTransport({ host: hostname, port: Number(port || 25), secure: false, ignoreTLS: true });
  return {
    async send(message) {
      await transport.sendMail({ from: sender, to: message.to, subject: message.subject, text: message.text, ...(message.html === undefined ? {} : { html: message.html }) });
    },
  };
}

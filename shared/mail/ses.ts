/** E-mail through Amazon SES (API v2), from the sender identity the stack is configured with. */
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { Mailer } from './mailer.ts';

export function sesMailer(sender: string, region: string, client: SESv2Client = new SESv2Client({ region })): Mailer {
  return {
    async send(message) {
      await client.send(
        new SendEmailCommand({
          FromEmailAddress: sender,
          Destination: { ToAddresses: [message.to] },
          Content: {
            Simple: {
              Subject: { Data: message.subject, Charset: 'UTF-8' },
              Body: {
                Text: { Data: message.text, Charset: 'UTF-8' },
                ...(message.html === undefined ? {} : { Html: { Data: message.html, Charset: 'UTF-8' } }),
              },
            },
          },
        }),
      );
    },
  };
}

/** The e-mails people get from the hub: plain words, the link on a line of its own, HTML escaped. */
import { escapeHtml } from '../http/html.ts';
import type { MailMessage } from '../mail/mailer.ts';
import type { Person } from './person.ts';

const when = (iso: string) =>
  new Date(iso).toLocaleString('en-US', { timeZone: 'America/New_York', dateStyle: 'medium', timeStyle: 'short' }) + ' (New York time)';

function message(to: string, subject: string, lines: readonly string[], url: string, button: string): MailMessage {
  const [first = '', ...rest] = lines;
  return {
    to,
    subject,
    text: `${first}\n\n${url}\n\n${rest.join('\n\n')}\n`,
    html:
      `<p>${escapeHtml(first)}</p>` +
      `<p><a href="${escapeHtml(url)}">${escapeHtml(button)}</a></p>` +
      `<p>Or paste this into your browser: ${escapeHtml(url)}</p>` +
      rest.map((line) => `<p>${escapeHtml(line)}</p>`).join(''),
  };
}

export function invitationMessage(person: Person, company: string, url: string, validUntil: string): MailMessage {
  return message(
    person.email,
    `You are invited to ${company} on the NY transfer hub`,
    [
      `Hello ${person.name}, ${company} invited you to the NY transfer hub. Open this link to set up your account:`,
      `The link works once, until ${when(validUntil)}. There is no password: each time you sign in, the hub e-mails you a link like this one.`,
      'If you did not expect this invitation, you can ignore this e-mail.',
    ],
    url,
    'Set up my account',
  );
}

export function signInMessage(person: Person, url: string, validUntil: string): MailMessage {
  return message(
    person.email,
    'Your sign-in link for the NY transfer hub',
    [
      `Hello ${person.name}, open this link to sign in:`,
      `The link works once, until ${when(validUntil)}.`,
      'If you did not ask to sign in, you can ignore this e-mail: nobody can sign in without the link.',
    ],
    url,
    'Sign in',
  );
}

/**
 * A person's browser, without a browser: cookies kept per origin as a browser keeps them, forms
 * posted with their CSRF token, and the local mailbox read over its HTTP API.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { inject } from 'vitest';

export interface PageAnswer {
  readonly status: number;
  readonly location: string | null;
  readonly html: string;
  readonly headers: Headers;
  readonly setCookies: readonly string[];
}

export class Visitor {
  readonly cookies = new Map<string, string>();
  readonly base = inject('hub').urls.api;

  async open(path: string, form?: Record<string, string | readonly string[]>): Promise<PageAnswer> {
    const body = form === undefined ? undefined : new URLSearchParams(Object.entries(form).flatMap(([name, value]) => (typeof value === 'string' ? [[name, value] as [string, string]] : value.map((v): [string, string] => [name, v]))));
    const url = path.startsWith('http') ? path : `${this.base}${path}`;
    const response = await fetch(url, {
      method: form === undefined ? 'GET' : 'POST',
      redirect: 'manual',
      headers: {
        ...(this.cookies.size ? { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') } : {}),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(body ? { body: body.toString() } : {}),
    });
    const setCookies = response.headers.getSetCookie();
    for (const cookie of setCookies) {
      const [pair = ''] = cookie.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      if (/max-age=0/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: response.status, location: response.headers.get('location'), html: await response.text(), headers: response.headers, setCookies };
  }

  /** Posts the page's form (its CSRF token included) to its action. */
  async submit(page: PageAnswer, fields: Record<string, string | readonly string[]> = {}, action?: string): Promise<PageAnswer> {
    const target = action ?? /<form method="post" action="([^"]+)"/.exec(page.html)?.[1];
    if (!target) throw new Error('The page has no form');
    return this.open(target.replace(/&amp;/g, '&'), { csrf: csrfOf(page), ...fields });
  }
}

export const csrfOf = (page: PageAnswer): string => {
  const token = /name="csrf" value="([^"]+)"/.exec(page.html)?.[1];
  if (!token) throw new Error('The page has no form token');
  return token;
};

export interface MailboxMessage {
  readonly id: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly links: readonly string[];
}

export async function mailTo(address: string): Promise<MailboxMessage[]> {
  const response = await fetch(`${inject('hub').urls.mailbox}/api/messages?to=${encodeURIComponent(address)}`);
  return ((await response.json()) as { items: MailboxMessage[] }).items;
}

/** Waits for the `count`-th message to the address (newest first) and returns the newest. */
export async function nextMail(address: string, count = 1): Promise<MailboxMessage> {
  for (let tries = 0; tries < 100; tries += 1) {
    const messages = await mailTo(address);
    if (messages.length >= count && messages[0]) return messages[0];
    await sleep(100);
  }
  throw new Error(`No e-mail number ${count} to ${address}`);
}

/** The link in a message that goes to the hub. */
export function hubLink(message: MailboxMessage, kind: 'invitations' | 'sign-in'): string {
  const link = message.links.find((url) => url.includes(`/${kind}/`));
  if (!link) throw new Error(`No ${kind} link in "${message.subject}"`);
  return link;
}

export const uniqueEmail = (label: string) => `${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}@example.com`;

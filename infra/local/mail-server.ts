/**
 * Local mode's mail: a real SMTP server on loopback (`smtp-server`) that accepts every message the
 * hub sends, parses it (`mailparser`) and keeps it (in memory, and as `.eml` files under the data
 * directory when there is one, so a restart keeps the mailbox), and a small web mailbox on another
 * loopback port: `/` lists the messages, `/messages/<id>` shows one, `/api/messages?to=` gives them
 * as JSON with the links in each (what the tests read sign-in links from). Never deployed.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { escapeHtml } from '#shared/http/html.ts';

export interface KeptMessage {
  readonly id: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly receivedAt: string;
  readonly text: string;
  readonly html?: string;
  /** Every http(s) link in the text, in order. */
  readonly links: readonly string[];
}

export interface LocalMailServer {
  /** What the hub's SMTP mailer is configured with. */
  readonly smtpUrl: string;
  /** The mailbox page. */
  readonly url: string;
  messages(): readonly KeptMessage[];
  stop(): Promise<void>;
}

export interface MailServerOptions {
  readonly smtpPort?: number;
  readonly httpPort?: number;
  /** Keep messages here as `.eml` files across restarts; in memory only without it. */
  readonly directory?: string;
  /** Messages above this size are refused (the hub's own are a few KB). */
  readonly maxBytes?: number;
}

const LINK = /https?:\/\/[^\s<>"')]+/g;

const addresses = (field: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((group) => group.value.map((entry) => (entry.address ?? '').toLowerCase())).filter(Boolean);

async function parse(id: string, raw: Buffer, receivedAt: string): Promise<KeptMessage> {
  const mail = await simpleParser(raw);
  const text = mail.text ?? '';
  return {
    id,
    from: addresses(mail.from).join(', '),
    to: addresses(mail.to),
    subject: mail.subject ?? '',
    receivedAt: mail.date?.toISOString() ?? receivedAt,
    text,
    ...(typeof mail.html === 'string' ? { html: mail.html } : {}),
    links: [...text.matchAll(LINK)].map((match) => match[0]),
  };
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:50rem;margin:0 auto;padding:1rem;color:#1a1a1a}table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.4rem;border-bottom:1px solid #ccc;vertical-align:top}pre{white-space:pre-wrap;background:#f4f4f4;padding:1rem}a{color:#0b4f2c}</style></head><body>${body}</body></html>`;
}

const linkify = (text: string) => escapeHtml(text).replace(/https?:\/\/[^\s<>"']+/g, (url) => `<a href="${url}">${url}</a>`);

export async function startMailServer(options: MailServerOptions = {}): Promise<LocalMailServer> {
  const kept: KeptMessage[] = [];
  let sequence = 0;
  const directory = options.directory;
  if (directory) {
    await mkdir(directory, { recursive: true });
    for (const file of (await readdir(directory)).filter((name) => name.endsWith('.eml')).sort()) {
      const id = file.slice(0, -'.eml'.length);
      kept.push(await parse(id, await readFile(join(directory, file)), new Date().toISOString()));
      sequence = Math.max(sequence, Number.parseInt(id, 10) || 0);
    }
  }

  const smtp = new SMTPServer({
    // Loopback only: no TLS, no login; the hub is the only sender.
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    banner: 'NY transfer hub local mailbox',
    size: options.maxBytes ?? 10 * 1024 * 1024,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          callback(Object.assign(new Error('Message too large'), { responseCode: 552 }));
          return;
        }
        sequence += 1;
        const id = String(sequence).padStart(6, '0');
        const raw = Buffer.concat(chunks);
        void (async () => {
          if (directory) await writeFile(join(directory, `${id}.eml`), raw);
          kept.push(await parse(id, raw, new Date().toISOString()));
        })().then(() => callback(), callback);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(options.smtpPort ?? 0, '127.0.0.1', () => resolve());
  });
  const smtpAddress = smtp.server.address() as AddressInfo;

  /** One mailbox request: its status, content type and body. */
  const answer = (method: string | undefined, url: URL): readonly [number, string, string] => {
    const html = 'text/html; charset=utf-8';
    if (method !== 'GET') return [405, 'text/plain; charset=utf-8', 'GET only'];
    const newestFirst = [...kept].reverse();
    if (url.pathname === '/api/messages') {
      const to = url.searchParams.get('to')?.toLowerCase();
      return [200, 'application/json', JSON.stringify({ items: to ? newestFirst.filter((m) => m.to.includes(to)) : newestFirst })];
    }
    if (url.pathname === '/') {
      const rows = newestFirst
        .map((m) => `<tr><td>${escapeHtml(m.receivedAt)}</td><td>${escapeHtml(m.to.join(', '))}</td><td><a href="/messages/${m.id}">${escapeHtml(m.subject || '(no subject)')}</a></td></tr>`)
        .join('');
      const intro = `<p>Every e-mail the local hub sent (${kept.length}), newest first. Nothing leaves this machine.</p>`;
      return [200, html, page('Local mailbox', `<h1>Local mailbox</h1>${intro}<table><thead><tr><th>Received</th><th>To</th><th>Subject</th></tr></thead><tbody>${rows}</tbody></table>`)];
    }
    const one = /^\/messages\/(\d{6})$/.exec(url.pathname)?.[1];
    const message = one ? kept.find((m) => m.id === one) : undefined;
    if (!message) return [404, html, page('Not found', '<h1>No such message</h1><p><a href="/">All messages</a></p>')];
    const heading = `<h1>${escapeHtml(message.subject)}</h1><p>From ${escapeHtml(message.from)} to ${escapeHtml(message.to.join(', '))}, ${escapeHtml(message.receivedAt)}</p>`;
    return [200, html, page(message.subject, `<p><a href="/">All messages</a></p>${heading}<pre>${linkify(message.text)}</pre>`)];
  };
  const http = createServer((request, response) => {
    const [status, type, body] = answer(request.method, new URL(request.url ?? '/', 'http://127.0.0.1'));
    response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    response.end(body);
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.httpPort ?? 0, '127.0.0.1', () => resolve());
  });
  const httpAddress = http.address() as AddressInfo;

  return {
    smtpUrl: `smtp://127.0.0.1:${smtpAddress.port}`,
    url: `http://127.0.0.1:${httpAddress.port}`,
    messages: () => [...kept],
    async stop() {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/**
 * The sign-in and account pages, rendered on the server: plain forms that work without JavaScript,
 * every value escaped (`escapeHtml`), labels on every field, visible focus, a layout that fits a
 * phone. Words are for people: no API terms.
 */
import { escapeHtml } from '../http/html.ts';
import type { Passkey } from './passkeys.ts';
import type { ActedBy, Person } from './person.ts';
import { roleDescriptions, roles } from './person.ts';
import { adminNavigation, SUBNAV_STYLE } from '../console-admin/navigation.ts';

export interface Page {
  readonly status: number;
  readonly html: string;
  readonly nonce: string;
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f6f6f4}
main{max-width:34rem;margin:0 auto;padding:1.5rem 1rem 3rem}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem}
h2{font-size:1.15rem;margin:2rem 0 .5rem}
p{margin:0 0 1rem}
label{display:block;font-weight:600;margin:0 0 .25rem}
input[type=email],input[type=text]{display:block;width:100%;font:inherit;padding:.65rem .75rem;border:2px solid #555;border-radius:6px;background:#fff;color:#1a1a1a}
fieldset{border:0;padding:0;margin:0 0 1rem}
legend{font-weight:600;margin-bottom:.25rem}
.check{display:flex;gap:.5rem;align-items:flex-start;font-weight:400;margin:.35rem 0}
.check input{width:1.25rem;height:1.25rem;margin-top:.15rem}
button{font:inherit;font-weight:600;padding:.7rem 1.2rem;min-height:44px;border:2px solid #0b4f2c;border-radius:6px;background:#0b5f34;color:#fff;cursor:pointer}
a.button{display:inline-block;font-weight:600;padding:.7rem 1.2rem;min-height:44px;border:2px solid #0b4f2c;border-radius:6px;background:#0b5f34;color:#fff;text-decoration:none}
button.secondary{background:#fff;color:#0b4f2c}
:focus-visible{outline:3px solid #b35c00;outline-offset:2px}
.field{margin:0 0 1rem}
.error{color:#a30000;font-weight:600;margin:.25rem 0 0}
.notice{border-left:4px solid #0b5f34;background:#fff;padding:.75rem 1rem;margin:0 0 1rem}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin:1rem 0}
.actions form{margin:0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0 0 1rem}
dt{font-weight:600}dd{margin:0}
ul.people{list-style:none;padding:0;margin:0 0 1rem}
ul.people li{background:#fff;border:1px solid #ccc;border-radius:6px;padding:.6rem .8rem;margin:0 0 .5rem}
a{color:#0b4f2c}
button.danger{background:#fff;color:#8a1000;border-color:#8a1000}
#passkey-sign-in{margin-top:1.5rem}
.or{margin:0 0 1rem;font-weight:600}
#passkey-status{margin-top:.75rem}
.meta{color:#4a4a4a;font-size:.92rem}
ul.people form{display:inline-block;margin:.5rem .5rem 0 0}
`;

/** A page's one script (the passkey module), loaded with the page's nonce. */
const scriptTag = (nonce: string, src: string | undefined) => (src ? `\n<script nonce="${escapeHtml(nonce)}" src="${escapeHtml(src)}" defer></script>` : '');

function layout(nonce: string, title: string, body: string, status = 200, script?: string): Page {
  return {
    status,
    nonce,
    html: `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · NY transfer hub</title>
<style nonce="${escapeHtml(nonce)}">${STYLE}</style>${scriptTag(nonce, script)}
</head>
<body>
<main>
${body}
</main>
</body>
</html>`,
  };
}

const csrfField = (csrf: string) => `<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">`;
const fieldError = (id: string, message: string | undefined) => (message ? `<p class="error" id="${id}-error">${escapeHtml(message)}</p>` : '');
const described = (id: string, message: string | undefined) => (message ? ` aria-invalid="true" aria-describedby="${id}-error"` : '');

/** What the passkey script needs from a page: where it runs and the form token its requests carry. */
export interface PasskeyPagePart {
  readonly script: string;
  /** The relying party's origin: where passkeys work (local mode: localhost, not 127.0.0.1). */
  readonly origin: string;
  readonly rpId: string;
}

const passkeyData = (passkey: PasskeyPagePart, csrf: string) =>
  ` data-csrf="${escapeHtml(csrf)}" data-rp-id="${escapeHtml(passkey.rpId)}" data-origin="${escapeHtml(passkey.origin)}"`;

export function signInPage(
  nonce: string,
  csrf: string,
  options: { readonly email?: string; readonly problem?: string; readonly status?: number; readonly passkey?: PasskeyPagePart } = {},
): Page {
  const passkey = options.passkey
    ? `
<div id="passkey-sign-in" hidden${passkeyData(options.passkey, csrf)}>
<p class="or">Or, if you added a passkey to your account:</p>
<button type="button" class="secondary" id="passkey-sign-in-button">Sign in with a passkey</button>
<p id="passkey-status" role="status" aria-live="polite"></p>
</div>`
    : '';
  return layout(
    nonce,
    'Sign in',
    `<h1>Sign in</h1>
<p>Enter your work e-mail address. We will e-mail you a link that signs you in; there is no password.</p>
<form method="post" action="/sign-in" novalidate>
${csrfField(csrf)}
<div class="field">
<label for="email">E-mail address</label>
<input type="email" id="email" name="email" autocomplete="email" inputmode="email" required value="${escapeHtml(options.email ?? '')}"${described('email', options.problem)}${options.problem ? ' autofocus' : ''}>
${fieldError('email', options.problem)}
</div>
<button type="submit">E-mail me a sign-in link</button>
</form>${passkey}`,
    options.status,
    options.passkey?.script,
  );
}

export function checkEmailPage(nonce: string, email: string): Page {
  return layout(
    nonce,
    'Check your e-mail',
    `<h1>Check your e-mail</h1>
<p class="notice" role="status">If <strong>${escapeHtml(email)}</strong> has an account, a sign-in link is on its way. It works once, for 15 minutes.</p>
<p>Nothing arrived after a few minutes? Check the spam folder, or <a href="/sign-in">try again</a>.</p>`,
  );
}

/** The link opened: one button to sign in. A GET never uses the link up, so mail scanners that open links cannot spend it. */
export function confirmSignInPage(nonce: string, csrf: string, person: Person, action: string): Page {
  return layout(
    nonce,
    'Sign in',
    `<h1>Sign in</h1>
<p>You are signing in as <strong>${escapeHtml(person.name)}</strong> (${escapeHtml(person.email)}).</p>
<form method="post" action="${escapeHtml(action)}">
${csrfField(csrf)}
<button type="submit" autofocus>Sign in</button>
</form>`,
  );
}

export function setupPage(nonce: string, csrf: string, person: Person, company: string, action: string, problem?: string): Page {
  return layout(
    nonce,
    'Set up your account',
    `<h1>Set up your account</h1>
<p>${escapeHtml(company)} invited <strong>${escapeHtml(person.email)}</strong> as ${escapeHtml(roleList(person.roles))}.</p>
<form method="post" action="${escapeHtml(action)}" novalidate>
${csrfField(csrf)}
<div class="field">
<label for="name">Your name, as your colleagues know it</label>
<input type="text" id="name" name="name" autocomplete="name" required maxlength="120" value="${escapeHtml(person.name)}"${described('name', problem)}${problem ? ' autofocus' : ''}>
${fieldError('name', problem)}
</div>
<button type="submit">Set up my account</button>
</form>`,
    problem ? 422 : 200,
  );
}

const LINK_PROBLEMS = {
  used: { status: 410, title: 'This link was already used', text: 'Each link works only once.' },
  expired: { status: 410, title: 'This link has expired', text: 'Links work for a short time only, so an old e-mail cannot be used to sign in.' },
  unknown: { status: 404, title: 'This link does not work', text: 'It may have been copied only in part. Check that the whole link from the e-mail is in the address bar.' },
  replaced: { status: 410, title: 'A newer invitation replaced this one', text: 'Your invitation was sent again. Use the link in the latest e-mail.' },
  closed: { status: 403, title: 'This account can no longer sign in', text: 'An admin of your company closed it. Ask them if you think this is a mistake.' },
} as const;

function nextStep(kind: keyof typeof LINK_PROBLEMS, purpose: 'invitation' | 'sign-in'): string {
  if (kind === 'closed') return '';
  if (purpose === 'invitation' && kind === 'replaced') return '<p>No newer e-mail? Ask the person who invited you to send the invitation again.</p>';
  if (purpose === 'invitation' && kind !== 'used') return '<p>Ask the person who invited you to send a new invitation.</p>';
  return '<p><a href="/sign-in">Get a new sign-in link</a></p>';
}

export function linkProblemPage(nonce: string, kind: keyof typeof LINK_PROBLEMS, purpose: 'invitation' | 'sign-in'): Page {
  const problem = LINK_PROBLEMS[kind];
  return layout(nonce, problem.title, `<h1>${problem.title}</h1>\n<p>${problem.text}</p>\n${nextStep(kind, purpose)}`, problem.status);
}

export function throttledPage(nonce: string, retryAfterSeconds: number): Page {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return layout(
    nonce,
    'Please wait',
    `<h1>Please wait a few minutes</h1>\n<p>There have been too many tries from here. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.</p>`,
    429,
  );
}

export function refusedFormPage(nonce: string): Page {
  return layout(
    nonce,
    'Please try again',
    `<h1>Please try again</h1>\n<p>This form was not sent from the hub's own page, or the page was open too long. Go back, reload the page and send it again.</p>\n<p><a href="/sign-in">Sign in</a></p>`,
    403,
  );
}

export function notFoundPage(nonce: string): Page {
  return layout(nonce, 'Not found', `<h1>Not found</h1>\n<p>There is no such person or passkey on your account.</p>\n<p><a href="/console">Back to your account</a></p>`, 404);
}

export function notAdminPage(nonce: string): Page {
  return layout(nonce, 'Only for admins', `<h1>Only for admins</h1>\n<p>Only a person with the admin role can invite people. Ask an admin of your company.</p>\n<p><a href="/console">Back to your account</a></p>`, 403);
}

const roleList = (given: readonly string[]) => given.join(', ');

const day = (iso: string) => new Date(iso).toLocaleDateString('en-US', { timeZone: 'America/New_York', dateStyle: 'medium' });
const moment = (iso: string) =>
  new Date(iso).toLocaleString('en-US', { timeZone: 'America/New_York', dateStyle: 'medium', timeStyle: 'short' });

export interface HomeView {
  readonly person: Person;
  readonly company: string;
  readonly csrf: string;
  readonly notice?: string;
  readonly passkeys?: readonly Passkey[];
  readonly passkey?: PasskeyPagePart;
}

const passkeyPath = (passkey: Passkey) => `/console/passkeys/${encodeURIComponent(passkey.credentialId)}/remove`;

function passkeySection(view: HomeView): string {
  const passkeys = view.passkeys ?? [];
  const list = passkeys.length
    ? `<ul class="people" aria-label="Your passkeys">
${passkeys
  .map(
    (p) => `<li><strong>${escapeHtml(p.name)}</strong><br><span class="meta">Added ${escapeHtml(day(p.createdAt))} · ${p.lastUsedAt ? `last used ${escapeHtml(moment(p.lastUsedAt))}` : 'not used yet'}</span><br>
<form method="post" action="${escapeHtml(passkeyPath(p))}">${csrfField(view.csrf)}<button type="submit" class="danger" aria-label="Remove the passkey ${escapeHtml(p.name)}">Remove</button></form></li>`,
  )
  .join('\n')}
</ul>`
    : '<p>You have no passkey yet. With one, you sign in with your fingerprint, face or screen lock instead of waiting for an e-mail.</p>';
  const add = view.passkey
    ? `<form id="passkey-add" hidden${passkeyData(view.passkey, view.csrf)}>
<div class="field">
<label for="passkey-name">Name for the new passkey (optional)</label>
<input type="text" id="passkey-name" name="name" maxlength="60" autocomplete="off" placeholder="Work phone">
</div>
<button type="submit">Add a passkey</button>
</form>
<p id="passkey-status" role="status" aria-live="polite"></p>
<noscript><p>Adding a passkey needs JavaScript. Signing in by e-mailed link works without it.</p></noscript>`
    : '';
  return `<h2>Passkeys</h2>\n${list}\n${add}`;
}

export function homePage(nonce: string, view: HomeView): Page {
  const { person } = view;
  const admin = person.roles.includes('admin') ? '<p><a href="/console/people">People and invitations</a></p>' : '';
  return layout(
    nonce,
    'Your account',
    `<h1>Hello, ${escapeHtml(person.name)}</h1>
${view.notice ? `<p class="notice" role="status">${escapeHtml(view.notice)}</p>` : ''}
<p class="actions"><a class="button" href="/console/today">Go to today’s work</a></p>
<dl>
<dt>E-mail</dt><dd>${escapeHtml(person.email)}</dd>
<dt>Company</dt><dd>${escapeHtml(view.company)}</dd>
<dt>Roles</dt><dd>${person.roles.map((role) => `${escapeHtml(role)}: ${escapeHtml(roleDescriptions[role])}`).join('<br>')}</dd>
</dl>
${admin}
${passkeySection(view)}
<h2>Signing out</h2>
<div class="actions">
<form method="post" action="/sign-out">${csrfField(view.csrf)}<button type="submit" class="secondary">Sign out</button></form>
<form method="post" action="/sign-out/everywhere">${csrfField(view.csrf)}<button type="submit" class="secondary">Sign out on every device</button></form>
</div>`,
    200,
    view.passkey?.script,
  );
}

export interface PeopleView {
  readonly people: readonly Person[];
  readonly csrf: string;
  /** The admin looking: no button revokes themselves. */
  readonly viewerId?: string;
  readonly form?: { readonly email?: string; readonly name?: string; readonly roles?: readonly string[] };
  readonly problems?: Readonly<Record<string, string>>;
  readonly notice?: string;
  readonly status?: number;
}

const personPath = (person: Person, action: 'revoke' | 'resend') => `/console/people/${encodeURIComponent(person.id)}/${action}`;

/** Who acted, in words: a person of the list by name, else the API key. */
function actor(by: ActedBy | undefined, people: readonly Person[]): string {
  if (!by) return 'unknown';
  const person = by.personId === undefined ? undefined : people.find((p) => p.id === by.personId);
  if (person) return person.name;
  return by.apiKeyId === 'console' ? 'an admin' : `API key ${by.apiKeyId}`;
}

function personStatus(person: Person, people: readonly Person[]): string {
  if (person.status === 'invited') {
    return person.invitationResentAt ? `invited, not set up yet (invitation sent again ${moment(person.invitationResentAt)})` : 'invited, not set up yet';
  }
  if (person.status === 'revoked') return `revoked ${person.revokedAt ? moment(person.revokedAt) : ''} by ${actor(person.revokedBy, people)}`;
  return person.status;
}

function personActions(person: Person, view: PeopleView): string {
  if (person.status === 'revoked' || person.id === view.viewerId) return '';
  const resend =
    person.status === 'invited'
      ? `<form method="post" action="${escapeHtml(personPath(person, 'resend'))}">${csrfField(view.csrf)}<button type="submit" class="secondary" aria-label="Send the invitation again to ${escapeHtml(person.name)}">Send the invitation again</button></form>`
      : '';
  const revoke = `<form method="post" action="${escapeHtml(personPath(person, 'revoke'))}">${csrfField(view.csrf)}<button type="submit" class="danger" aria-label="Revoke ${escapeHtml(person.name)}">Revoke…</button></form>`;
  return `<br>${resend}${revoke}`;
}

export function peoplePage(nonce: string, view: PeopleView): Page {
  const problems = view.problems ?? {};
  const chosen = view.form?.roles ?? [];
  const list = view.people
    .map(
      (p) =>
        `<li><strong>${escapeHtml(p.name)}</strong> · ${escapeHtml(p.email)}<br>${escapeHtml(roleList(p.roles))} · ${escapeHtml(personStatus(p, view.people))}${personActions(p, view)}</li>`,
    )
    .join('\n');
  return layout(
    nonce,
    'People',
    `<style nonce="${escapeHtml(nonce)}">${SUBNAV_STYLE}</style>
${adminNavigation('people').toString()}
<h1>People</h1>
${view.notice ? `<p class="notice" role="status">${escapeHtml(view.notice)}</p>` : ''}
<ul class="people">
${list}
</ul>
<h2>Invite someone</h2>
<form method="post" action="/console/people" novalidate>
${csrfField(view.csrf)}
<div class="field">
<label for="invite-email">E-mail address</label>
<input type="email" id="invite-email" name="email" autocomplete="off" required value="${escapeHtml(view.form?.email ?? '')}"${described('invite-email', problems['email'])}>
${fieldError('invite-email', problems['email'])}
</div>
<div class="field">
<label for="invite-name">Name</label>
<input type="text" id="invite-name" name="name" autocomplete="off" required maxlength="120" value="${escapeHtml(view.form?.name ?? '')}"${described('invite-name', problems['name'])}>
${fieldError('invite-name', problems['name'])}
</div>
<fieldset${problems['roles'] ? ' aria-describedby="invite-roles-error"' : ''}>
<legend>Roles</legend>
${roles
  .map(
    (role) =>
      `<label class="check"><input type="checkbox" name="roles" value="${role}"${chosen.includes(role) ? ' checked' : ''}> <span><strong>${role}</strong>: ${escapeHtml(roleDescriptions[role])}</span></label>`,
  )
  .join('\n')}
${fieldError('invite-roles', problems['roles'])}
</fieldset>
<button type="submit">Send the invitation</button>
</form>
<p><a href="/console">Back to your account</a></p>`,
    view.status ?? (Object.keys(problems).length > 0 ? 422 : 200),
  );
}

/** Revoking cannot be undone: the admin confirms on a page of its own (the first POST shows it; the form posts `confirm`). */
export function confirmRevokePage(nonce: string, csrf: string, person: Person): Page {
  return layout(
    nonce,
    `Revoke ${person.name}`,
    `<h1>Revoke ${escapeHtml(person.name)}?</h1>
<p><strong>${escapeHtml(person.name)}</strong> (${escapeHtml(person.email)}) is signed out on every device at once, and can no longer sign in: not by e-mailed link, not with a passkey${person.status === 'invited' ? ', and the invitation no longer works' : ''}. The account stays in the list, marked revoked, with your name. This cannot be undone; to let them in again, invite them again with another address.</p>
<form method="post" action="${escapeHtml(personPath(person, 'revoke'))}">
${csrfField(csrf)}
<input type="hidden" name="confirm" value="yes">
<div class="actions"><button type="submit" class="danger">Revoke ${escapeHtml(person.name)}</button> <a href="/console/people">Keep them</a></div>
</form>`,
  );
}

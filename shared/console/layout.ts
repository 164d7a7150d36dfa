/**
 * The console's frame: a header with the company and the person, the navigation their roles open,
 * signing out, and one small stylesheet (mobile first: one column, large touch targets; wider
 * screens get tables). No script: every page works with plain links and forms.
 */
import type { Page } from '../people/pages.ts';
import { allows } from '../people/person.ts';
import type { Person } from '../people/person.ts';
import { href, html, safe } from './html.ts';
import type { SafeHtml } from './html.ts';
import { formServed } from './use-cases.ts';

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f6f6f4}
a{color:#0b4f2c}
:focus-visible{outline:3px solid #b35c00;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:.5rem;top:.5rem;background:#fff;padding:.5rem;z-index:2}
header{background:#0b4f2c;color:#fff;padding:.5rem 1rem}
header a,header button.link{color:#fff}
.top{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:.25rem 1rem}
.who{font-size:.9rem}
nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:.4rem 0 0;padding:0}
nav a{display:inline-block;padding:.5rem 0;font-weight:600;min-height:44px}
nav a[aria-current=page]{text-decoration-thickness:3px}
main{max-width:60rem;margin:0 auto;padding:1rem 1rem 3rem}
h1{font-size:1.45rem;line-height:1.25;margin:.25rem 0 1rem}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
p{margin:0 0 .75rem}
button,.button{display:inline-block;font:inherit;font-weight:600;padding:.65rem 1.1rem;min-height:44px;border:2px solid #0b4f2c;border-radius:6px;background:#0b5f34;color:#fff;cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:#fff;color:#0b4f2c}
button.danger{background:#fff;color:#8a1000;border-color:#8a1000}
button.link{background:none;border:0;padding:.5rem 0;min-height:44px;text-decoration:underline;font-weight:400}
label{display:block;font-weight:600;margin:0 0 .25rem}
input,select{font:inherit;padding:.55rem .65rem;border:2px solid #555;border-radius:6px;background:#fff;color:#1a1a1a;max-width:100%}
.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end;margin:0 0 1rem}
.filters div{flex:1 1 12rem}.filters input,.filters select{width:100%}
.cards{list-style:none;padding:0;margin:0 0 1rem}
.cards li{background:#fff;border:1px solid #c8c8c4;border-radius:6px;padding:.6rem .8rem;margin:0 0 .5rem}
.meta{color:#4a4a4a;font-size:.92rem}
.tag{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9rem;word-break:break-all}
.state{display:inline-block;font-size:.85rem;font-weight:600;padding:.05rem .45rem;border-radius:4px;border:1px solid currentColor}
.state.bad{color:#8a1000}.state.wait{color:#7a4a00}.state.ok{color:#0b4f2c}
.notice{border-left:4px solid #0b5f34;background:#fff;padding:.6rem .9rem;margin:0 0 1rem}
.alert{border-left:4px solid #8a1000;background:#fff;padding:.6rem .9rem;margin:0 0 1rem}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin:.75rem 0 1rem}
.actions form{margin:0}
.inline{display:inline;margin:0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0 0 1rem}
dt{font-weight:600}dd{margin:0}
table{border-collapse:collapse;width:100%;background:#fff;font-size:.92rem}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
.scroll{overflow-x:auto}
.pager{display:flex;gap:1rem;margin:1rem 0}
.big button{width:100%;font-size:1.15rem;padding:1rem}
@media (min-width:48rem){.two{display:grid;grid-template-columns:1fr 1fr;gap:0 2rem}}
`;

export interface Frame {
  readonly nonce: string;
  readonly person: Person;
  readonly company: string;
  readonly csrf: string;
  /** Which navigation entry is this page. */
  readonly current?: 'today' | 'outgoing' | 'incoming' | 'new' | 'trips' | 'admin' | 'account';
}

export const csrfField = (csrf: string): SafeHtml => html`<input type="hidden" name="csrf" value="${csrf}">`;

type Entry = [NonNullable<Frame['current']>, string, string];

function navigation(frame: Frame): SafeHtml {
  const entries: Entry[] = [
    ['today', '/console/today', 'Today'],
    ['outgoing', '/console/transfers?direction=outgoing', 'Outgoing'],
    ['incoming', '/console/transfers?direction=incoming', 'Incoming'],
    ...(allows(frame.person.roles, 'edit-drafts') && formServed('new') ? [['new', '/console/transfers/new', 'New transfer'] as Entry] : []),
    ...(frame.person.roles.includes('driver') ? [['trips', '/console/trips', 'My trips'] as Entry] : []),
    ...(allows(frame.person.roles, 'manage-people') ? [['admin', '/console/people', 'Admin'] as Entry] : []),
    // The person's own page (sign-in's): passkeys, signing out everywhere.
    ['account', '/console', 'My account'],
  ];
  return html`<nav aria-label="Console"><ul>${entries.map(
    ([key, target, label]) => html`<li><a href="${href(target)}"${key === frame.current ? safe(' aria-current="page"') : ''}>${label}</a></li>`,
  )}</ul></nav>`;
}

/** A whole console page: the frame around `body`. */
export function consolePage(frame: Frame, title: string, body: SafeHtml, status = 200): Page {
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · NY transfer hub</title>
<style nonce="${frame.nonce}">${safe(STYLE)}</style>
</head>
<body>
<a class="skip" href="#main">Skip to the page</a>
<header>
<div class="top">
<div><strong>${frame.company}</strong></div>
<div class="who">${frame.person.name} · <form method="post" action="/sign-out" class="inline">${csrfField(frame.csrf)}<button type="submit" class="link">Sign out</button></form></div>
</div>
${navigation(frame)}
</header>
<main id="main">
${body}
</main>
</body>
</html>`;
  return { status, nonce: frame.nonce, html: page.toString() };
}

/**
 * The admin pages' own navigation, on each of them and on the people page (which sign-in renders):
 * People, API keys, Connections, Registries, Reports; the page's own entry marked.
 */
import { html, safe } from '../console/html.ts';
import type { SafeHtml } from '../console/html.ts';

export const adminEntries = [
  ['people', '/console/people', 'People'],
  ['api-keys', '/console/admin/api-keys', 'API keys'],
  ['connections', '/console/admin/connections', 'Connections'],
  ['registries', '/console/admin/registries/partners', 'Registries'],
  ['reports', '/console/admin/reports', 'Reports'],
] as const;
export type AdminEntry = (typeof adminEntries)[number][0];

export function adminNavigation(current: AdminEntry): SafeHtml {
  return html`<nav aria-label="Admin" class="subnav"><ul>${adminEntries.map(
    ([key, target, label]) => html`<li><a href="${target}"${key === current ? safe(' aria-current="page"') : ''}>${label}</a></li>`,
  )}</ul></nav>`;
}

/** Its few styles (the console's frame styles only the main navigation). */
export const SUBNAV_STYLE =
  '.subnav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:0 0 1rem;padding:0;border-bottom:1px solid #c8c8c4}' +
  '.subnav a{display:inline-block;padding:.6rem 0;min-height:44px;font-weight:600}.subnav a[aria-current=page]{text-decoration-thickness:3px}';

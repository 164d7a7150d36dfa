/**
 * The one HTML escaper of the hub's pages: every value put into HTML text or a quoted attribute
 * goes through it, so no page can forget a character.
 */
const entities: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => entities[c] ?? c);

/**
 * The headers of a page that a one-time token opens or that shows personal data: no caching, no
 * referrer, no framing, not indexed, and scripts and styles only with the page's nonce.
 * `connectSources`: where the page's script may send (its own origin, and e.g. an upload bucket).
 */
export function privatePageHeaders(nonce: string, connectSources = "'self'"): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-robots-tag': 'noindex',
    'x-content-type-options': 'nosniff',
    'content-security-policy': `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src 'self' data:; connect-src ${connectSources}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
  };
}

/**
 * The one HTML escaper of the hub's pages: every value put into HTML text or a quoted attribute
 * goes through it, so no page can forget a character.
 */
const entities: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => entities[c] ?? c);

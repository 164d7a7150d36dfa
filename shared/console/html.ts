/**
 * The console's HTML templates: `html` is a tagged template whose every interpolated value is
 * escaped unless it is already `SafeHtml` (the output of another `html` template), so a page cannot
 * forget to escape a name, a tag or the state system's words. Raw markup enters only through
 * `safe()`, which a reader can find by name.
 */
import { escapeHtml } from '../http/html.ts';

/** Markup known to be safe: built by `html`, or declared so with `safe()`. */
export class SafeHtml {
  readonly #markup: string;
  private constructor(markup: string) {
    this.#markup = markup;
  }
  /** Only this module makes one; everyone else goes through `html` or `safe`. */
  static of(markup: string): SafeHtml {
    return new SafeHtml(markup);
  }
  toString(): string {
    return this.#markup;
  }
}

/** What a template accepts: text and numbers (escaped), markup, lists of either, and nothing (`false`, `null`, `undefined`). */
export type HtmlValue = string | number | SafeHtml | null | undefined | false | readonly HtmlValue[];

function rendered(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.toString();
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(rendered).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += rendered(value) + (strings[i + 1] ?? '');
  });
  return SafeHtml.of(out);
}

/** Markup taken as it is: only for text the hub itself wrote (a stylesheet), never for data. */
export const safe = (markup: string): SafeHtml => SafeHtml.of(markup);

/**
 * A link target for an `href`: a path on the hub (starting with one `/`) or an http(s) address,
 * so no `javascript:` or other scheme can reach an attribute. Anything else becomes `#`.
 */
export function href(target: string): string {
  if (/^\/(?!\/)/.test(target)) return target;
  try {
    const url = new URL(target);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : '#';
  } catch {
    return '#';
  }
}

/** A path with query parameters, the empty ones left out. */
export function withQuery(path: string, query: Readonly<Record<string, string | undefined>>): string {
  const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

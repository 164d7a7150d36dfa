/**
 * The hub's one HTML escaper: text and quoted attributes are safe whatever a user typed.
 */
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '#shared/http/html.ts';

describe('escapeHtml', () => {
  it('escapes the five characters that can end text or a quoted attribute, and nothing else', () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'q'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;');
    expect(escapeHtml('Peña & Zoë — Łódź')).toBe('Peña &amp; Zoë — Łódź');
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
  });
});

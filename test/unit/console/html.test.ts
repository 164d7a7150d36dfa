import { describe, expect, it } from 'vitest';
import { href, html, safe, SafeHtml, withQuery } from '#shared/console/html.ts';
import { spellingsOf } from '#shared/console/use-cases.ts';

describe('the console templates', () => {
  it('escapes every interpolated value by default, in text and in quoted attributes', () => {
    const name = `<script>alert("x")</script> & 'co'`;
    const out = html`<p title="${name}">${name}</p>`.toString();
    expect(out).toBe('<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</p>');
    expect(out).not.toContain('<script>');
  });

  it('nests templates without escaping them twice, and escapes each item of a list', () => {
    const items = ['a<b', 'c&d'].map((text) => html`<li>${text}</li>`);
    expect(html`<ul>${items}</ul>`.toString()).toBe('<ul><li>a&lt;b</li><li>c&amp;d</li></ul>');
    expect(html`${['<i>', html`<i>`]}`.toString()).toBe('&lt;i&gt;<i>');
  });

  it('lets raw markup in only through safe(), and renders nothing for false, null and undefined', () => {
    expect(html`${safe('<b>bold</b>')}`.toString()).toBe('<b>bold</b>');
    expect(html`[${false}${null}${undefined}${0}]`.toString()).toBe('[0]');
    expect(html`x`).toBeInstanceOf(SafeHtml);
    // A string that looks like markup is still text.
    expect(html`${'<b>bold</b>'}`.toString()).toBe('&lt;b&gt;bold&lt;/b&gt;');
  });

  it('keeps link targets to the hub or http(s), never another scheme', () => {
    expect(href('/console/today')).toBe('/console/today');
    expect(href('https://example.com/x')).toBe('https://example.com/x');
    expect(href('javascript:alert(1)')).toBe('#');
    expect(href('//evil.example/x')).toBe('#');
    expect(href('data:text/html,hi')).toBe('#');
    expect(html`<a href="${href('/x?a=1&b="2"')}">`.toString()).toBe('<a href="/x?a=1&amp;b=&quot;2&quot;">');
  });

  it('builds query strings without the empty parameters', () => {
    expect(withQuery('/console/transfers', { direction: 'incoming', status: undefined, q: '' })).toBe('/console/transfers?direction=incoming');
    expect(withQuery('/p', { q: 'a b&c' })).toBe('/p?q=a+b%26c');
    expect(withQuery('/p', {})).toBe('/p');
  });

  it('searches the spellings a stored name or number may have', () => {
    expect(spellingsOf('seneca ridge')).toEqual(['seneca ridge', 'SENECA RIDGE', 'Seneca Ridge']);
    expect(spellingsOf('ocm-dist-24')).toEqual(['ocm-dist-24', 'OCM-DIST-24', 'Ocm-Dist-24']);
    expect(spellingsOf('M-1')).toEqual(['M-1']);
  });
});

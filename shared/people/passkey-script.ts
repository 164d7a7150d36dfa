/**
 * The passkey pages' one script, served by the sign-in function at `/assets/passkeys.js`:
 * `@simplewebauthn/browser`'s UMD build (it defines `SimpleWebAuthnBrowser`), read from the package
 * at run time (the Lambda bundle carries that file: `files` in `shared/routes.ts`), then the few
 * lines below that wire it to the sign-in and account pages. The pages work without it: their
 * passkey parts stay hidden, and the e-mailed link signs in as before.
 *
 * The pages' CSP allows scripts only with their nonce, so the page loads this file with one, and the
 * script sends only to the page's own origin (`connect-src 'self'`).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { passkeyBrowserLibraryFile } from './browser-library.ts';


export const PASSKEY_SCRIPT_PATH = '/assets/passkeys.js';

/**
 * Wires the library to the pages. Plain ES2017, no build step: it runs as it is written. Each part
 * finds its element by id and does nothing on a page without it.
 */
export const passkeyGlue = String.raw`
(function () {
  'use strict';
  var lib = globalThis.SimpleWebAuthnBrowser;
  var status = document.getElementById('passkey-status');
  function say(text) { if (status) status.textContent = text; }
  function problemText(body, fallback) { return (body && (body.detail || body.title)) || fallback; }
  async function post(url, body, token) {
    var response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-hub-csrf': token },
      body: JSON.stringify(body),
    });
    var json = {};
    try { json = await response.json(); } catch (e) { json = {}; }
    return { ok: response.ok, body: json };
  }
  /** Passkeys work only at the relying party's origin (local mode: localhost); elsewhere the part says where. */
  function atRelyingParty(part) {
    if (location.hostname === part.dataset.rpId) return true;
    var link = document.createElement('a');
    link.href = part.dataset.origin + location.pathname;
    link.textContent = part.dataset.origin + location.pathname;
    var note = document.createElement('p');
    note.append('Passkeys work at ', link, '.');
    part.replaceChildren(note);
    part.hidden = false;
    return false;
  }
  if (!lib || !lib.browserSupportsWebAuthn()) return;

  var signIn = document.getElementById('passkey-sign-in');
  if (signIn && atRelyingParty(signIn)) {
    signIn.hidden = false;
    document.getElementById('passkey-sign-in-button').addEventListener('click', async function () {
      var token = signIn.dataset.csrf;
      say('Getting ready…');
      var options = await post('/sign-in/passkey/options', {}, token);
      if (!options.ok) return say(problemText(options.body, 'Signing in with a passkey did not work. Try again, or get a link by e-mail.'));
      var response;
      say('Use your passkey: your fingerprint, face, screen lock or security key.');
      try {
        response = await lib.startAuthentication({ optionsJSON: options.body });
      } catch (e) {
        return say('No passkey was used. Try again, or get a link by e-mail.');
      }
      say('Checking…');
      var done = await post('/sign-in/passkey/verify', { response: response }, token);
      if (!done.ok) return say(problemText(done.body, 'Signing in with a passkey did not work.'));
      say('Signed in.');
      location.assign(done.body.next || '/console');
    });
  }

  var add = document.getElementById('passkey-add');
  if (add && atRelyingParty(add)) {
    add.hidden = false;
    add.addEventListener('submit', async function (event) {
      event.preventDefault();
      var token = add.dataset.csrf;
      var button = add.querySelector('button');
      button.disabled = true;
      try {
        say('Getting ready…');
        var options = await post('/console/passkeys/options', {}, token);
        if (!options.ok) return say(problemText(options.body, 'Adding a passkey did not work. Try again.'));
        var response;
        say('Follow your browser: it asks for your fingerprint, face, screen lock or security key.');
        try {
          response = await lib.startRegistration({ optionsJSON: options.body });
        } catch (e) {
          return say(e && e.name === 'InvalidStateError' ? 'This device already has a passkey on your account.' : 'No passkey was added.');
        }
        say('Saving…');
        var name = add.querySelector('input[name=name]').value.trim();
        var done = await post('/console/passkeys', { response: response, name: name }, token);
        if (!done.ok) return say(problemText(done.body, 'Adding a passkey did not work.'));
        location.assign('/console?passkey=added');
      } finally {
        button.disabled = false;
      }
    });
  }
})();
`;

function packageFile(subpath: string): string {
  const lookup = createRequire(import.meta.url).resolve.paths(subpath) ?? [];
  for (const dir of lookup) {
    const candidate = path.join(dir, subpath);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${subpath} is not under any node_modules (is it in the function's files?)`);
}

export interface PasskeyScript {
  readonly body: string;
  /** A short hash of the body: the page's URL carries it, so a new version is never taken from a cache. */
  readonly version: string;
}

let loaded: PasskeyScript | undefined;

/** The script, read once per instance. */
export function passkeyScript(): PasskeyScript {
  if (!loaded) {
    const body = `${readFileSync(packageFile(passkeyBrowserLibraryFile), 'utf8')}\n${passkeyGlue}`;
    loaded = { body, version: createHash('sha256').update(body).digest('base64url').slice(0, 12) };
  }
  return loaded;
}

export const passkeyScriptUrl = (): string => `${PASSKEY_SCRIPT_PATH}?v=${passkeyScript().version}`;

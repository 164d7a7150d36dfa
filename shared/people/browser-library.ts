/**
 * The browser side of passkeys: `@simplewebauthn/browser`'s UMD build, as a package subpath. The
 * sign-in function reads it at run time (`passkey-script.ts`), and its Lambda bundle copies exactly
 * this file (see `files` in `shared/routes.ts`).
 */
export const passkeyBrowserLibraryFile = '@simplewebauthn/browser/dist/bundle/index.umd.min.js';

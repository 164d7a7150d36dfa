/**
 * Receipt-link tokens. A token is HMAC-SHA-256 of the link's random 128-bit id under a secret key:
 * as unguessable as 256 random bits to anyone without the key, never stored (the table keeps its
 * SHA-256 only), yet the hub can print the same link again when it renders a manifest again. In
 * AWS the key is a KMS HMAC key that never leaves KMS; in local mode a key from configuration.
 */
import { createHash, createHmac } from 'node:crypto';
import { GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms';
import type { HubConfig } from '../config.ts';
import { requireSetting } from '../config.ts';

export interface LinkTokens {
  tokenFor(linkId: string): Promise<string>;
}

const message = (linkId: string) => Buffer.from(`ny-transfer-hub/receipt-link/${linkId}`, 'utf8');

/** What the table stores and looks a token up by. */
export const tokenHash = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Tokens are base64url of 32 bytes: 43 characters of [A-Za-z0-9_-]. Anything else is not worth a lookup. */
export const tokenShape = /^[A-Za-z0-9_-]{43}$/;

export function createLocalLinkTokens(key: Buffer): LinkTokens {
  if (key.length < 32) throw new Error('The receipt-link key must be at least 32 bytes');
  return { tokenFor: async (linkId) => createHmac('sha256', key).update(message(linkId)).digest('base64url') };
}

export function createKmsLinkTokens(kms: KMSClient, keyId: string): LinkTokens {
  // A link's token never changes: one KMS call per link and process.
  const cache = new Map<string, Promise<string>>();
  return {
    tokenFor(linkId) {
      let token = cache.get(linkId);
      if (!token) {
        token = kms.send(new GenerateMacCommand({ KeyId: keyId, MacAlgorithm: 'HMAC_SHA_256', Message: message(linkId) })).then(({ Mac }) => {
          if (!Mac) throw new Error('KMS returned no MAC');
          return Buffer.from(Mac).toString('base64url');
        });
        token.catch(() => cache.delete(linkId));
        cache.set(linkId, token);
      }
      return token;
    },
  };
}

export function linkTokensFrom(config: HubConfig): LinkTokens {
  const { kmsKeyId, localKey } = config.receiptLinks;
  if (kmsKeyId) return createKmsLinkTokens(new KMSClient({ region: config.region, ...(config.endpoints.kms ? { endpoint: config.endpoints.kms } : {}) }), kmsKeyId);
  return createLocalLinkTokens(Buffer.from(requireSetting(localKey, 'RECEIPT_LINK_KEY_ID or RECEIPT_LINK_SECRET'), 'base64'));
}

export interface ReceiptLinkSettings {
  readonly tokens: LinkTokens;
  readonly validForMs: number;
  readonly publicBaseUrl: string;
}

export function receiptLinkSettings(config: HubConfig): ReceiptLinkSettings {
  return {
    tokens: linkTokensFrom(config),
    validForMs: config.receiptLinks.validDays * 24 * 3600 * 1000,
    publicBaseUrl: requireSetting(config.publicBaseUrl, 'PUBLIC_BASE_URL'),
  };
}

/** The URL of a link, as printed and as sent to the receiver. */
export const linkUrlOf = async (settings: ReceiptLinkSettings, linkId: string): Promise<string> =>
  receiptLinkUrl(settings.publicBaseUrl, await settings.tokens.tokenFor(linkId));

/** `https://hub.example/r/<token>`: short enough for a QR code a phone reads off a printed page. */
export function receiptLinkUrl(publicBaseUrl: string, token: string): string {
  return new URL(`r/${token}`, publicBaseUrl.endsWith('/') ? publicBaseUrl : `${publicBaseUrl}/`).toString();
}

/**
 * API keys: `nyth_<key id>_<secret>`. The key id is public (it names the key in lists and in the
 * authorizer context); the secret is 256 random bits, shown once and stored only as a SHA-256
 * hash. A slow password hash would add nothing here: the secret is random, not chosen by a person,
 * so it cannot be guessed from its hash, and the authorizer runs on every request.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_KEY_PREFIX = 'nyth_';
const SECRET_BYTES = 32;

/** Key ids are ULIDs (Crockford base32); the secret is base64url and may itself contain `_`. */
const KEY_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const API_KEY = /^nyth_([0-9A-HJKMNP-TV-Z]{26})_([A-Za-z0-9_-]{43})$/;
const BEARER = /^Bearer +(\S+) *$/i;

export interface IssuedApiKey {
  /** The whole key, for the caller's eyes only, once. */
  readonly apiKey: string;
  readonly secretHash: string;
}

export function issueApiKey(keyId: string, random: (size: number) => Buffer = randomBytes): IssuedApiKey {
  const apiKey = `${API_KEY_PREFIX}${keyId}_${random(SECRET_BYTES).toString('base64url')}`;
  return { apiKey, secretHash: hashApiKey(apiKey) };
}

/** Hex SHA-256 of the whole key, so a hash also binds the secret to its key id. */
export const hashApiKey = (apiKey: string): string => createHash('sha256').update(apiKey, 'utf8').digest('hex');

export const isApiKeyId = (value: string): boolean => KEY_ID.test(value);

/** The key id of a well-formed key, or `undefined`. */
export const apiKeyIdOf = (apiKey: string): string | undefined => API_KEY.exec(apiKey)?.[1];

/** The key in an `Authorization: Bearer <key>` header, or `undefined` when the header says something else. */
export const bearerToken = (header: string): string | undefined => BEARER.exec(header.trim())?.[1];

/** Compares hashes in constant time, so response timing says nothing about how much of a key was right. */
export function matchesHash(apiKey: string, secretHash: string): boolean {
  const presented = Buffer.from(hashApiKey(apiKey), 'hex');
  const stored = Buffer.from(secretHash, 'hex');
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}

import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { apiKeyIdOf, bearerToken, hashApiKey, isApiKeyId, issueApiKey, matchesHash } from '#shared/tenants/api-key.ts';

describe('issueApiKey', () => {
  it('issues nyth_<key id>_<256-bit base64url secret> and only a SHA-256 of it to store', () => {
    const keyId = ulid();
    const { apiKey, secretHash } = issueApiKey(keyId);

    expect(apiKey).toMatch(new RegExp(`^nyth_${keyId}_[A-Za-z0-9_-]{43}$`));
    expect(Buffer.from(apiKey.split('_').slice(2).join('_'), 'base64url')).toHaveLength(32);
    expect(secretHash).toBe(createHash('sha256').update(apiKey).digest('hex'));
    expect(secretHash).not.toContain(apiKey.slice(-43));
  });

  it('draws a new secret every time', () => {
    const keyId = ulid();
    const secrets = new Set(Array.from({ length: 50 }, () => issueApiKey(keyId).apiKey));

    expect(secrets.size).toBe(50);
  });

  it('reads the key id back even when the secret contains underscores', () => {
    const keyId = ulid();
    const { apiKey } = issueApiKey(keyId, (size) => Buffer.alloc(size, 0xff));

    expect(apiKey.slice(-43)).toContain('_');
    expect(apiKeyIdOf(apiKey)).toBe(keyId);
  });
});

describe('apiKeyIdOf', () => {
  it.each([
    '',
    'nyth_',
    `nyth_${'0'.repeat(26)}_short`,
    `nyth_${'0'.repeat(26)}_${'a'.repeat(44)}`,
    `NYTH_${'0'.repeat(26)}_${'a'.repeat(43)}`,
    `nyth_${'u'.repeat(26)}_${'a'.repeat(43)}`,
    `nyth_${'0'.repeat(26)}_${'a'.repeat(42)}=`,
  ])('finds no key id in the malformed %j', (key) => {
    expect(apiKeyIdOf(key)).toBeUndefined();
  });

  it('finds none in arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (s) => {
        expect(apiKeyIdOf(s)).toBeUndefined();
      }),
    );
  });
});

describe('matchesHash', () => {
  const { apiKey, secretHash } = issueApiKey(ulid());

  it('matches the key it was made from', () => {
    expect(matchesHash(apiKey, secretHash)).toBe(true);
  });

  it('refuses a key with any one character changed', () => {
    fc.assert(
      fc.property(fc.nat({ max: apiKey.length - 1 }), fc.constantFrom('A', 'Z', 'a', 'z', '0', '9', '-', '_'), (position, replacement) => {
        fc.pre(apiKey[position] !== replacement);
        const tampered = `${apiKey.slice(0, position)}${replacement}${apiKey.slice(position + 1)}`;
        expect(matchesHash(tampered, secretHash)).toBe(false);
      }),
    );
  });

  it('refuses, without throwing, a stored hash of another length (timingSafeEqual needs equal lengths)', () => {
    expect(matchesHash(apiKey, secretHash.slice(0, 10))).toBe(false);
    expect(matchesHash(apiKey, '')).toBe(false);
    expect(matchesHash(apiKey, 'not hex at all')).toBe(false);
  });

  it('hashes the whole key, binding the secret to its key id', () => {
    const secret = apiKey.slice(-43);
    expect(hashApiKey(`nyth_${ulid()}_${secret}`)).not.toBe(secretHash);
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['BEARER   abc  ', 'abc'],
  ])('reads %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it.each(['abc', 'Basic abc', 'Bearer', 'Bearer ', 'Bearer a b', 'Bearerabc'])('reads nothing from %j', (header) => {
    expect(bearerToken(header)).toBeUndefined();
  });
});

describe('isApiKeyId', () => {
  it('accepts ULIDs only', () => {
    expect(isApiKeyId(ulid())).toBe(true);
    expect(isApiKeyId(ulid().toLowerCase())).toBe(false);
    expect(isApiKeyId('../../etc')).toBe(false);
  });
});

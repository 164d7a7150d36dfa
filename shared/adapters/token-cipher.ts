/**
 * Encryption of state-system secrets at rest (OAuth tokens, state-user passwords). In AWS a KMS
 * key encrypts them, bound to the licensee by the encryption context; in local mode an AES-256-GCM
 * key from configuration does the same job. Either way the table never holds a secret in clear.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, EncryptCommand } from '@aws-sdk/client-kms';
import type { KMSClient } from '@aws-sdk/client-kms';

export interface TokenCipher {
  encrypt(plain: string, context: Readonly<Record<string, string>>): Promise<string>;
  decrypt(sealed: string, context: Readonly<Record<string, string>>): Promise<string>;
}

export function createKmsTokenCipher(kms: KMSClient, keyId: string): TokenCipher {
  return {
    async encrypt(plain, context) {
      const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(plain, 'utf8'), EncryptionContext: { ...context } }));
      if (!CiphertextBlob) throw new Error('KMS returned no ciphertext');
      return `kms:${Buffer.from(CiphertextBlob).toString('base64')}`;
    },
    async decrypt(sealed, context) {
      if (!sealed.startsWith('kms:')) throw new Error('Not a KMS-sealed value');
      const { Plaintext } = await kms.send(
        new DecryptCommand({ KeyId: keyId, CiphertextBlob: Buffer.from(sealed.slice(4), 'base64'), EncryptionContext: { ...context } }),
      );
      if (!Plaintext) throw new Error('KMS returned no plaintext');
      return Buffer.from(Plaintext).toString('utf8');
    },
  };
}

/** The context is authenticated data: a value sealed for one licensee does not open for another. */
const aad = (context: Readonly<Record<string, string>>) =>
  Buffer.from(
    Object.keys(context)
      .sort()
      .map((k) => `${k}=${context[k] ?? ''}`)
      .join('&'),
    'utf8',
  );

export function createLocalTokenCipher(key: Buffer): TokenCipher {
  if (key.length !== 32) throw new Error('The local token key must be 32 bytes');
  return {
    async encrypt(plain, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad(context));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `gcm:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    async decrypt(sealed, context) {
      if (!sealed.startsWith('gcm:')) throw new Error('Not a locally sealed value');
      const raw = Buffer.from(sealed.slice(4), 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12)).setAAD(aad(context));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

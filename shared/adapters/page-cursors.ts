/**
 * The key list cursors are sealed with. In AWS a KMS HMAC key of the stateful stack (`CursorKey`)
 * that only the functions answering lists may use: each process asks KMS once for the MAC of a
 * fixed label and derives its AES key from that, so every instance seals and opens the same
 * cursors without the key material ever being stored. In local mode a secret derived from
 * `.local/data/token-key`.
 */
import { GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms';
import type { HubConfig } from '../config.ts';
import { requireSetting } from '../config.ts';
import { createPageCursors } from '../repositories/paging.ts';
import type { PageCursors } from '../repositories/paging.ts';

const LABEL = Buffer.from('ny-transfer-hub/cursor-key/v1', 'utf8');

export function pageCursorsFrom(config: HubConfig): PageCursors {
  const { kmsKeyId, localKey } = config.cursors;
  if (kmsKeyId) {
    const kms = new KMSClient({ region: config.region, ...(config.endpoints.kms ? { endpoint: config.endpoints.kms } : {}) });
    return createPageCursors(async () => {
      const { Mac } = await kms.send(new GenerateMacCommand({ KeyId: kmsKeyId, MacAlgorithm: 'HMAC_SHA_256', Message: LABEL }));
      if (!Mac) throw new Error('KMS returned no MAC');
      return Buffer.from(Mac);
    });
  }
  const secret = Buffer.from(requireSetting(localKey, 'CURSOR_KEY_ID or CURSOR_SECRET'), 'base64');
  return createPageCursors(() => Promise.resolve(secret));
}

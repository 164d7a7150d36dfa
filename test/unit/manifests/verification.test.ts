/**
 * What a printed copy verifies as once the hub issued the version that prints the state's manifest
 * number: a copy printed before it is as good as the current one and the page says why; a real
 * amendment after it still makes both copies outdated.
 */
import { describe, expect, it } from 'vitest';
import { amend, recordStateManifestNumber } from '#shared/domain/transfer/index.ts';
import type { Transfer } from '#shared/domain/transfer/index.ts';
import { verifyManifest } from '#shared/manifests/use-cases.ts';
import type { VerifyDeps } from '#shared/manifests/use-cases.ts';
import { verificationPage } from '#shared/manifests/verification-page.ts';
import { toStored } from '#shared/transfers/stored-transfer.ts';
import { context, expectOk, manifested, minutesAfter, parties } from '../domain/fixtures.ts';

const STATE_NUMBER = '4409871236540021';
const system = { licenseeId: 'lic-hudson', apiKeyId: 'state-system' };

function numbered(before: Transfer): Transfer {
  const change = expectOk(recordStateManifestNumber(before, STATE_NUMBER, context(minutesAfter(1), { actor: system })));
  if (change.kind !== 'new-version') expect.fail(`expected a new version, got ${change.kind}`);
  return change.transfer;
}

function depsFor(transfer: Transfer): VerifyDeps {
  return {
    transfers: { findByManifestNumber: async (number) => (number === transfer.manifest?.number ? toStored(transfer) : undefined) },
    submissions: { list: async () => [], stateRefs: async () => ({ refs: {}, manifestNumber: STATE_NUMBER, openDiscrepancies: 0 }) },
    guessing: { counter: { count: async () => 1, guesses: async () => 0 }, now: () => minutesAfter(10), sleep: async () => undefined },
  };
}

async function verified(transfer: Transfer, hash: string) {
  const outcome = await verifyManifest(depsFor(transfer), transfer.manifest?.number, hash, '192.0.2.7');
  if (outcome.kind !== 'verified') expect.fail(`expected the copy verified, got ${outcome.kind}`);
  return outcome.verification;
}

const shortHash = (transfer: Transfer, version: number) =>
  [...(transfer.manifestHistory ?? []).map((v) => v.manifest), transfer.manifest].find((m) => m?.version === version)?.contentHash.slice(0, 16) ?? '';

describe('verifying a copy printed before the state’s number came in', () => {
  const first = manifested();
  const second = numbered(first);

  it('vouches for the copy of version 1 as current, and says a newer print only adds the state’s manifest ID', async () => {
    expect(second.manifest).toMatchObject({ version: 2, onlyAddsStateNumber: true, stateManifestNumber: STATE_NUMBER });
    const v = await verified(second, shortHash(second, 1));
    expect(v).toMatchObject({ version: 2, stateManifestId: STATE_NUMBER, hash: { result: 'current', version: 1, newerPrint: { version: 2, stateManifestId: STATE_NUMBER } } });
    const page = verificationPage(v, (iso) => iso);
    expect(page).toContain(
      `Genuine: this copy (version 1) of manifest ${first.manifest?.number ?? ''} is current. A newer print, version 2, only adds the state system's manifest ID (${STATE_NUMBER}); nothing else on it changed.`,
    );
    expect(page).not.toContain('Outdated');
  });

  it('vouches for the copy of version 2 as the current version, with no note', async () => {
    const v = await verified(second, shortHash(second, 2));
    expect(v.hash).toEqual({ result: 'current', version: 2 });
    expect(verificationPage(v, (iso) => iso)).toContain(`Genuine: this copy is the current version (2) of manifest ${first.manifest?.number ?? ''}.`);
  });

  it('keeps calling both copies outdated once a real amendment replaced them', async () => {
    const amended = expectOk(amend(second, { plannedRoute: 'Taconic Pkwy S' }, parties, context(minutesAfter(5)))).transfer;
    expect(amended.manifest).toMatchObject({ version: 3, stateManifestNumber: STATE_NUMBER });
    expect(amended.manifest?.onlyAddsStateNumber).toBeUndefined();
    for (const version of [1, 2]) {
      const v = await verified(amended, shortHash(amended, version));
      expect(v.hash).toEqual({ result: 'superseded', version });
      expect(verificationPage(v, (iso) => iso)).toContain(`Outdated copy: this is version ${version}; version 3 replaced it.`);
    }
  });

  it('calls a copy outdated when an amendment came before the state’s number', async () => {
    const amended = expectOk(amend(first, { plannedRoute: 'Taconic Pkwy S' }, parties, context(minutesAfter(1)))).transfer;
    const renumbered = numbered(amended);
    expect(renumbered.manifest?.version).toBe(3);
    expect((await verified(renumbered, shortHash(renumbered, 1))).hash).toEqual({ result: 'superseded', version: 1 });
    expect((await verified(renumbered, shortHash(renumbered, 2))).hash).toMatchObject({ result: 'current', version: 2, newerPrint: { version: 3 } });
  });
});

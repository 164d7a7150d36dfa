/**
 * Metrc issues its manifest number when a person registers the template the hub pushed; the
 * reconciler sees the registration by polling and the hub issues version 2 of the manifest, which
 * prints that number. Against the strict Metrc emulator and the local table and bucket, through
 * the reconciler's own wiring (only the licensee's account and the adapter are the world's).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAwsClients } from '#shared/adapters/aws-clients.ts';
import { readConfig, resourceName } from '#shared/config.ts';
import { createDraft, manifest } from '#shared/domain/transfer/index.ts';
import type { TransferEvent } from '#shared/domain/transfer/index.ts';
import { createS3ManifestStore, manifestObjectKey } from '#shared/manifests/store.ts';
import { reconcileLicensee } from '#shared/reconciliation/reconciler.ts';
import { documentsBucket, hubTable } from '#shared/resources.ts';
import { PersonStepRequired } from '#shared/state-system/port.ts';
import type { StateRefs } from '#shared/state-system/port.ts';
import { metrcRefs } from '#shared/state-system/metrc/refs.ts';
import { createSubmissionRepository } from '#shared/submissions/repository.ts';
import { createTransferRepository } from '#shared/transfers/repository.ts';
import { toStored } from '#shared/transfers/stored-transfer.ts';
import type { StoredTransfer } from '#shared/transfers/stored-transfer.ts';
import { reconcilerDeps } from '#shared/wiring/reconciler.ts';
import { context, draftBody, manifestContext, parties } from '../../unit/domain/fixtures.ts';
import { useMetrcWorld } from './contract/metrc-world.ts';

const { world } = useMetrcWorld();
const config = readConfig();
const aws = createAwsClients(config);
const transfers = createTransferRepository<StoredTransfer, TransferEvent>(aws.dynamodb, resourceName(config, hubTable));
const submissions = createSubmissionRepository(aws.dynamodb, resourceName(config, hubTable));
const pdfs = createS3ManifestStore(aws.s3, resourceName(config, documentsBucket));

describe('a manifest Metrc numbered at a person’s registration', { timeout: 120_000 }, () => {
  it('gets version 2 printing Metrc’s number once the reconciler sees the registration', async () => {
    const w = await world();
    const licenseeId = w.shipper.licenseeId;
    const id = randomUUID();
    const drafted = createDraft({ id, shipperId: licenseeId, content: draftBody() }, context());
    if (!drafted.ok) expect.fail('the draft was refused');
    const issued = manifest(drafted.transfer, parties, manifestContext({ manifestNumber: `T${id.slice(0, 8).toUpperCase()}` }));
    if (!issued.ok) expect.fail('the manifest was refused');
    await transfers.create(toStored(issued.transfer), issued.event);

    // Pushed as the worker pushes it; the refs it keeps put the transfer on the reconciler's watch list.
    let refs: StateRefs = {};
    await expect(w.adapter.reportManifest(w.shipper, w.manifest(id), refs, async (kept) => void (refs = { ...refs, ...kept }))).rejects.toBeInstanceOf(PersonStepRequired);
    await submissions.saveStateRefs(id, { system: w.shipper.system, licenseeId }, refs, w.adapter.factsOf(refs));
    expect((await submissions.followUps(licenseeId, w.shipper.system, 50)).map((f) => f.transferId)).toContain(id);
    expect((await transfers.get(id))?.manifest?.version).toBe(1);

    await w.register(metrcRefs(refs).templateId ?? 0);
    const deps = {
      ...(await reconcilerDeps(config, aws)),
      accounts: { account: async (who: string) => (who === licenseeId ? w.shipper : undefined), stateLicenseOf: async (party: { licenseNumber: string }) => party.licenseNumber },
      systems: { [w.shipper.system]: w.adapter },
    };
    const result = await reconcileLicensee(deps, licenseeId);
    expect(result.observed).toBeGreaterThanOrEqual(1);

    // The number the adapter read off the registration, as the hub keeps it.
    const stateNumber = (await submissions.stateRefs(id)).manifestNumber ?? '';
    expect(stateNumber).toMatch(/^\d{10}$/);
    const numbered = await transfers.get(id);
    expect(numbered).toMatchObject({ status: 'MANIFESTED', stateManifestNumber: stateNumber });
    expect(numbered?.manifest).toMatchObject({ version: 2, stateManifestNumber: stateNumber, onlyAddsStateNumber: true });
    expect(numbered?.manifest?.file?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await pdfs.exists(manifestObjectKey(licenseeId, id, 2))).toBe(true);
    const events = await transfers.events(id);
    expect(events.map((e) => e.action)).toEqual(['manifest', 'record-state-manifest-number']);
    expect(events[1]?.summary).toBe(`The state system recorded manifest ${issued.transfer.manifest?.number ?? ''} as ${stateNumber}; version 2 carries its number`);

    // The next run sees the same registration again and issues nothing more.
    await reconcileLicensee(deps, licenseeId);
    expect((await transfers.get(id))?.version).toBe(numbered?.version);
  });
});

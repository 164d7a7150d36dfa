/**
 * The answer of `POST …/manifest` is the transfer as it stands once the state's verdict came: with
 * BioTrack, the version the worker issued meanwhile to print the state's manifest id. The use-case
 * runs against the local services with a wait long enough for a loaded machine (the API's is
 * STATE_VERDICT_WAIT_MS); then, over HTTP, an If-Match with the answer's ETag is taken, and the
 * ETag of the version before the numbering (what the answer carried before it re-read) is stale.
 */
import { describe, expect, it } from 'vitest';
import { readConfig } from '#shared/config.ts';
import { etagOf } from '#shared/http/request.ts';
import { manifestAnswer } from '#shared/transfers/manifest-answer.ts';
import { transferApiDeps } from '#shared/wiring/transfers.ts';
import { call, draftTo } from '../../support/lifecycle.ts';
import { freshInventory } from '../../support/nyapi.ts';

const deps = await transferApiDeps(readConfig());

describe('the manifest answer', { timeout: 120_000 }, () => {
  it('carries the version that prints the state’s manifest id, and its ETag is the current one', async () => {
    const id = await draftTo('processor', await freshInventory('distributor', 2));
    const draft = (await call('distributor', 'GET', `/v1/transfers/${id}`)).body;
    const drafted = draft['version'] as number;
    const caller = { licenseeId: draft['shipperId'] as string, apiKeyId: 'manifest-answer-test' };

    const answer = await manifestAnswer(deps, caller, id, drafted, 30_000);
    expect(answer.stateSystem).toMatchObject({ status: 'recorded' });
    const stateManifestId = answer.stateSystem.stateManifestId;
    expect(stateManifestId).toMatch(/^\d{16}$/);
    // Numbered (version 1 of the manifest), then numbered by the state (version 2): two changes after the draft.
    expect(answer.transfer.version).toBe(drafted + 2);
    expect(answer.transfer.manifest).toMatchObject({ version: 2, stateManifestNumber: stateManifestId, onlyAddsStateNumber: true });
    expect(answer.warnings).toEqual([]);

    const seen = await call('distributor', 'GET', `/v1/transfers/${id}`);
    expect(seen.body['version']).toBe(answer.transfer.version);
    expect(seen.headers.get('etag')).toBe(etagOf(answer.transfer.version));

    // The ETag of the version the manifest was issued as is a version behind: refused, nothing changed.
    const stale = await call('distributor', 'POST', `/v1/transfers/${id}/depart`, undefined, { 'if-match': etagOf(drafted + 1) });
    expect(stale.status, JSON.stringify(stale.body)).toBe(412);
    expect((await call('distributor', 'GET', `/v1/transfers/${id}`)).body['status']).toBe('MANIFESTED');
    // The answer's own ETag is taken.
    const departed = await call('distributor', 'POST', `/v1/transfers/${id}/depart`, undefined, { 'if-match': etagOf(answer.transfer.version) });
    expect(departed.status, JSON.stringify(departed.body)).toBe(200);
    expect(departed.body).toMatchObject({ status: 'IN_TRANSIT', version: answer.transfer.version + 1 });
  });
});

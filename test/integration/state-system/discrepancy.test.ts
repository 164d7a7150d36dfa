/**
 * The reconciler follows the shipper's transfers at the state until the state shows their end.
 * Here the processor's other software received the shipment at the state with other quantities
 * before the processor received it through the hub: the hub's receipt is not adopted over the
 * state's, nor the state's over the hub's; the difference is a discrepancy on the transfer, on its
 * list row, and counted for the licensee.
 */
import { describe, expect, it } from 'vitest';
import { call, draftTo, step } from '../../support/lifecycle.ts';
import { eventually, freshInventory, otherSoftwareOf } from '../../support/nyapi.ts';
import type { SubmissionView } from '../../support/lifecycle.ts';

const succeeded = async (id: string, count: number) => {
  const items = (await call('distributor', 'GET', `/v1/transfers/${id}/submissions`)).body['items'] as SubmissionView[];
  return items.filter((s) => s.status === 'succeeded').length >= count ? items : undefined;
};

describe('a receipt at the state that differs from the hub’s', { timeout: 120_000 }, () => {
  it('becomes a discrepancy on the transfer, with both sides, for the shipper to see', async () => {
    const tags = await freshInventory('distributor', 2);
    const id = await draftTo('processor', tags);
    await step('distributor', id, 'manifest');
    await step('distributor', id, 'depart');
    await step('distributor', id, 'arrive');
    await eventually(() => succeeded(id, 3), 30_000, 'manifest, shipment and arrival at the state');
    const shipment = ((await call('distributor', 'GET', `/v1/transfers/${id}`)).body['stateIds'] as { inventoryTransferIds: number[] }).inventoryTransferIds;

    // The processor's other software receives at the state: 7 of the first package, the second rejected.
    const other = await otherSoftwareOf('processor');
    await other.adapter.reportReceipt(other.account, { inventoryTransferIds: shipment }, {
      submissionKey: `other-receipt-${id}`,
      lines: [
        { tag: tags[0] ?? '', accepted: true, receivedQuantity: 7 },
        { tag: tags[1] ?? '', accepted: false, receivedQuantity: 0, rejectReason: 'damaged' },
      ],
    });
    // The hub's receipt says every package arrived whole; the state already has a receipt, so its report changes nothing there.
    await step('processor', id, 'receipt', {
      lines: tags.map((tag) => ({ tag, outcome: 'accepted', acceptedQuantity: 10 })),
      receivedBy: { name: 'Ines Okafor', title: 'Inventory lead' },
    });

    const view = await eventually(
      async () => {
        const body = (await call('distributor', 'GET', `/v1/transfers/${id}`)).body;
        return (body['stateSystem'] as { status: string }).status === 'discrepancy' ? body : undefined;
      },
      40_000,
      'the discrepancy on the transfer',
    );
    const stateSystem = view['stateSystem'] as { discrepancies: number; message: string; differences: { kind: string; message: string; lines: unknown[] }[] };
    expect(stateSystem.discrepancies).toBe(1);
    expect(stateSystem.differences).toHaveLength(1);
    const [difference] = stateSystem.differences;
    expect(difference?.kind).toBe('receipt-differs');
    expect(difference?.message).toContain('2 packages differ');
    expect(difference?.lines).toEqual(
      [
        { tag: tags[0], hub: { outcome: 'accepted', quantity: 10 }, state: { outcome: 'accepted', quantity: 7 } },
        { tag: tags[1], hub: { outcome: 'accepted', quantity: 10 }, state: { outcome: 'rejected', quantity: 0 } },
      ].sort((a, b) => String(a.tag).localeCompare(String(b.tag))),
    );
    // The hub's receipt is kept as recorded: nothing was adopted from the state.
    expect((view['receipt'] as { lines: { acceptedQuantity: number }[] }).lines.map((l) => l.acceptedQuantity)).toEqual([10, 10]);

    // The list row says so too (from the stored status).
    const rows = (await call('distributor', 'GET', '/v1/transfers?direction=outgoing&limit=100')).body['items'] as { id: string; stateSystem: { status: string; discrepancies?: number } }[];
    expect(rows.find((row) => row.id === id)?.stateSystem).toMatchObject({ status: 'discrepancy', discrepancies: 1 });

    // The shipper's /v1/me counts it among what waits on it.
    const attention = (await call('distributor', 'GET', '/v1/me')).body['stateSystemAttention'] as { discrepancies: number };
    expect(attention.discrepancies).toBeGreaterThanOrEqual(1);

    // Seen again on the next runs, it stays one discrepancy.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const again = (await call('distributor', 'GET', `/v1/transfers/${id}`)).body['stateSystem'] as { discrepancies: number };
    expect(again.discrepancies).toBe(1);
  });
});

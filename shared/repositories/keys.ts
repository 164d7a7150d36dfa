/**
 * Key builders for the single hub table, one per entity, all in one place.
 * The README lists every access pattern and the key or index that serves it.
 */
import { hubTable } from '../resources.ts';

const keyAttributes = new Set<string>([
  hubTable.partitionKey.name,
  hubTable.sortKey.name,
  ...hubTable.globalSecondaryIndexes.flatMap((index) => [index.partitionKey.name, index.sortKey.name]),
]);

/** An item's own attributes: the stored item without the table's and the indexes' key attributes. */
export function withoutKeys(item: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !keyAttributes.has(name)));
}

export const keys = {
  healthProbe: (instanceId: string) => ({ PK: 'HEALTH', SK: `PROBE#${instanceId}` }),

  /** A licensee (tenant) profile. */
  licensee: (licenseeId: string) => ({ PK: `LICENSEE#${licenseeId}`, SK: 'PROFILE' }),
  /** Uniqueness of an OCM license number across tenants (written with the profile in one transaction). */
  licenseNumber: (licenseNumber: string) => ({ PK: `LICENSE#${licenseNumber}`, SK: 'LICENSE' }),

  /** An API key, looked up by its public id on every request. */
  apiKey: (apiKeyId: string) => ({ PK: `APIKEY#${apiKeyId}`, SK: 'APIKEY' }),
  /** GSI1: a licensee's API keys, newest first. */
  apiKeysOf: (licenseeId: string) => ({ GSI1PK: `LICENSEE#${licenseeId}#APIKEYS` }),

  /** Registries live in the owning licensee's partition: a Query lists them, no index needed. */
  driver: (licenseeId: string, driverId: string) => ({ PK: `LICENSEE#${licenseeId}`, SK: `DRIVER#${driverId}` }),
  vehicle: (licenseeId: string, vehicleId: string) => ({ PK: `LICENSEE#${licenseeId}`, SK: `VEHICLE#${vehicleId}` }),
  partner: (licenseeId: string, partnerId: string) => ({ PK: `LICENSEE#${licenseeId}`, SK: `PARTNER#${partnerId}` }),
  registryPrefix: { driver: 'DRIVER#', vehicle: 'VEHICLE#', partner: 'PARTNER#' },

  transfer: (transferId: string) => ({ PK: `TRANSFER#${transferId}`, SK: 'TRANSFER' }),
  /** GSI2: a shipper's transfers by creation time. */
  outgoingTransfers: (shipperId: string) => `LICENSEE#${shipperId}#OUT`,
  /** GSI3: a receiver's transfers by manifest time (sparse: drafts are the shipper's own). */
  incomingTransfers: (receiverId: string) => `LICENSEE#${receiverId}#IN`,
  /** GSI4: a transporter's transfers by manifest time (sparse: manifests that name a tenant as carrier). */
  carriedTransfers: (transporterId: string) => `LICENSEE#${transporterId}#CARRYING`,
  /** Append-only history in the transfer's partition, in order. */
  transferEvent: (transferId: string, sequence: number) => ({
    PK: `TRANSFER#${transferId}`,
    SK: `EVENT#${String(sequence).padStart(6, '0')}`,
  }),
  transferEventPrefix: 'EVENT#',
  /**
   * A transfer's package lines and receipt lines, in chunks beside it: a transfer of the state's
   * 1000 packages does not fit DynamoDB's 400 KB item, and the lines, fixed once manifested, are
   * not rewritten by every later change. Chunks sort before `TRANSFER`, events before chunks.
   */
  transferLines: (transferId: string, chunk: number) => ({ PK: `TRANSFER#${transferId}`, SK: `LINES#${String(chunk).padStart(3, '0')}` }),
  transferReceiptLines: (transferId: string, chunk: number) => ({
    PK: `TRANSFER#${transferId}`,
    SK: `RECEIPT#${String(chunk).padStart(3, '0')}`,
  }),
  /** The last manifest number a shipper issued. */
  manifestCounter: (shipperId: string) => ({ PK: `LICENSEE#${shipperId}`, SK: 'COUNTER#MANIFEST' }),
  /** Which transfer issued a manifest number (unique statewide); written with the manifest. */
  manifestNumber: (manifestNumber: string) => ({ PK: `MANIFEST#${manifestNumber}`, SK: 'MANIFEST' }),
  /**
   * What the hub owes the state system for a transfer, in its own partition (the transfer's
   * partition is read whole on every GET): one item per submission, in lifecycle order.
   */
  submissions: (transferId: string) => `SUBMISSIONS#${transferId}`,
  /** GSI1: submissions not delivered yet, oldest first: the sweeper's work and the oldest-pending metric. */
  openSubmissions: 'OPEN_SUBMISSIONS',
  /** GSI1: a licensee's submissions parked until its state-system consent is renewed. */
  awaitingConsent: (licenseeId: string) => `LICENSEE#${licenseeId}#AWAITING_CONSENT`,
  /** GSI1: a licensee's submissions waiting for a person in the state system's app, by deadline (past now: overdue). */
  awaitingPerson: (licenseeId: string) => `LICENSEE#${licenseeId}#AWAITING_PERSON`,
  /** GSI1: every transfer waiting for a person, by deadline: the operators' overdue count. */
  awaitingPersonTransfers: 'AWAITING_PERSON',
  /** The adapter's record of the state's ids for a transfer, and the neutral facts from it; read with the transfer (it sorts inside its range). */
  transferStateIds: (transferId: string) => ({ PK: `TRANSFER#${transferId}`, SK: 'STATE' }),
  /** Where the transfer stands with the state system, as the worker last saw it (lists read it; it sorts inside the transfer's range). */
  transferStateStatus: (transferId: string) => ({ PK: `TRANSFER#${transferId}`, SK: 'STATE_STATUS' }),
  /** GSI1: transfers whose step the state system refused, by the licensee that must act. */
  stateRefused: (licenseeId: string) => `LICENSEE#${licenseeId}#STATE_REFUSED`,
  /** Which hub transfer an object at the state system is (a key its adapter gives), so the reconciler finds it again. */
  stateObject: (system: string, objectKey: string) => ({ PK: `STATE_OBJECT#${system}#${objectKey}`, SK: 'STATE_OBJECT' }),
  /** Where the state system sees a transfer differently from the hub: one item per difference, in the transfer's own partition of them. */
  discrepancies: (transferId: string) => `DISCREPANCIES#${transferId}`,
  /** GSI1: a licensee's open discrepancies, newest last. */
  openDiscrepancies: (licenseeId: string) => `LICENSEE#${licenseeId}#DISCREPANCIES`,
  /** GSI1: a licensee's transfers the state system may still show more of (a receipt, a void): the reconciler's watch list. */
  stateFollowUp: (licenseeId: string, system: string) => `LICENSEE#${licenseeId}#STATE_FOLLOW_UP#${system}`,
  /**
   * Which hub transfer a receiver recorded from a paper manifest, so the same paper is not taken in
   * twice: per receiver, shipper license and the number as printed (case and spacing aside).
   */
  paperManifest: (receiverId: string, shipperLicenseNumber: string, manifestNumber: string) => ({
    PK: `PAPER_MANIFEST#${receiverId}#${shipperLicenseNumber}#${manifestNumber.replace(/\s+/g, ' ').toUpperCase()}`,
    SK: 'PAPER_MANIFEST',
  }),
  /** A receipt link, found by the SHA-256 of its token (the token itself is never stored). */
  receiptLink: (tokenHash: string) => ({ PK: `RECEIPT_LINK#${tokenHash}`, SK: 'LINK' }),
  /** How many photo uploads a receipt link has been granted (a conditional counter, capped). */
  photoGrants: (linkId: string) => ({ PK: `RECEIPT_LINK_PHOTOS#${linkId}`, SK: 'GRANTS' }),
  /** Photo uploads granted to one address in one window, across links. */
  photoGrantsFrom: (address: string, window: number) => ({ PK: `PHOTO_GRANTS#${address}`, SK: `WINDOW#${window}` }),
  /** Wrong receipt-link tokens from one address in one window: the page slows, then refuses, guessing. */
  linkGuesses: (address: string, window: number) => ({ PK: `LINK_GUESSES#${address}`, SK: `WINDOW#${window}` }),
  /** Failed lookups of one kind (`VERIFY`: manifest verification) from one address in one window (`LINK` would be the key above). */
  guesses: (scope: string, address: string, window: number) => ({ PK: `${scope}_GUESSES#${address}`, SK: `WINDOW#${window}` }),
  /** A state system's shared GET budget: a scope's tokens per window (`WINDOW#<n>`) and its instances' leases on GETs in flight (`LEASES`). */
  getBudget: (scope: string, part: string) => ({ PK: `GET_BUDGET#${scope}`, SK: part }),
  /** A licensee's link to a state system: consent tokens (encrypted) and its dates. */
  stateConnection: (licenseeId: string, system: string) => ({ PK: `LICENSEE#${licenseeId}`, SK: `STATE_CONNECTION#${system}` }),
  /** Where a licensee's inbound pull from a state system stopped (the adapter's own checkpoint). */
  inboundCheckpoint: (licenseeId: string, system: string) => ({ PK: `LICENSEE#${licenseeId}`, SK: `INBOUND_CHECKPOINT#${system}` }),
  /** GSI1: the licensees connected to a state system (the inbound pull's list). */
  connectedLicensees: (system: string) => `STATE_CONNECTIONS#${system}`,
  /** The state-system user an API key acts as (`default`: the license's integration user). */
  stateUser: (licenseeId: string, system: string, apiKeyId: string) => ({ PK: `LICENSEE#${licenseeId}`, SK: `STATE_USER#${system}#${apiKeyId}` }),
  /** A pending OAuth consent request, found by the hash of its `state` parameter. */
  consentRequest: (stateHash: string) => ({ PK: `CONSENT_REQUEST#${stateHash}`, SK: 'CONSENT_REQUEST' }),
  /** A person's account, in its licensee's partition: a Query lists a licensee's people (ULIDs, newest first). */
  person: (licenseeId: string, personId: string) => ({ PK: `LICENSEE#${licenseeId}`, SK: `PERSON#${personId}` }),
  personPrefix: 'PERSON#',
  /** Which account an e-mail address signs in to (and its uniqueness across the hub); written with the account. */
  personEmail: (email: string) => ({ PK: `PERSON_EMAIL#${email}`, SK: 'PERSON_EMAIL' }),
  /** An invitation or sign-in link, by the SHA-256 of its token (the token itself is never stored). */
  oneTimeLink: (tokenHash: string) => ({ PK: `SIGN_IN_LINK#${tokenHash}`, SK: 'LINK' }),
  /** A signed-in session, by the SHA-256 of its cookie's token. */
  session: (tokenHash: string) => ({ PK: `SESSION#${tokenHash}`, SK: 'SESSION' }),
  /** A package tag held by one open transfer; released when that transfer closes. */
  tagReservation: (tag: string) => ({ PK: `TAG#${tag}`, SK: 'RESERVATION' }),
} as const;

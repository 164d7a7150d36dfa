/**
 * What a tenant's link to Metrc carries besides the state license number: nothing. Metrc knows a
 * licensee by its facility license (the link's state license number, sent as `licenseNumber`);
 * the user key is a sealed secret of the connection, never part of the tenant record.
 */
export const metrcLink = { fields: {}, required: {} } as const;

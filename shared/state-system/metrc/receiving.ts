/** [inferred] Where the receiver records a licensed transfer's receipt in Metrc's web app. */
export const metrcReceivingMenu = ['Transfers', 'Licensed', 'Incoming'] as const;

/** [inferred] Where the shipper accepts a receiver's rejected packages back. */
export const metrcRejectedMenu = ['Transfers', 'Licensed', 'Rejected'] as const;

/**
 * How long after the hub's receipt the receiver has to record it in Metrc before the hub shows it
 * overdue: New York asks for the receipt when the goods are taken in, and a day leaves room for
 * a receipt taken at closing time to be entered the next morning.
 */
export const DEFAULT_RECEIPT_WITHIN_HOURS = 24;

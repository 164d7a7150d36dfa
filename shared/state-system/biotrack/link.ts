/**
 * What a tenant's link to BioTrack carries besides the state license number: the NY-API signs
 * users in with the license number and the UBI together, so the UBI is required.
 */
import { text } from '../../schemas/common.ts';

export const bioTrackLink = {
  fields: { ubi: text(32).optional() },
  required: { ubi: 'Required by the BioTrack NY-API' },
} as const;

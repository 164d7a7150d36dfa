/**
 * Package tags. Which format a licensee uses follows its state-system adapter: BioTrack-era tags
 * are 16-digit serials with no known check digit, Metrc package UIDs are 24 upper-case letters and
 * digits. A non-integrated licensee may hold either, so both are accepted for it.
 */
import { jsonPointer } from './problems.ts';
import type { FieldProblem } from './problems.ts';

export const stateSystems = ['biotrack-ny', 'metrc', 'none'] as const;
export type StateSystem = (typeof stateSystems)[number];

const biotrackTag = /^\d{16}$/;
const metrcTag = /^[0-9A-Z]{24}$/;

/** Any tag of any system: what a request schema can check without knowing the shipper. */
export const anyPackageTag = /^(?:\d{16}|[0-9A-Z]{24})$/;

const formats: Record<StateSystem, { readonly pattern: RegExp; readonly description: string }> = {
  'biotrack-ny': { pattern: biotrackTag, description: 'a BioTrack package tag: 16 digits' },
  metrc: { pattern: metrcTag, description: 'a Metrc package tag: 24 upper-case letters and digits' },
  none: { pattern: anyPackageTag, description: 'a package tag: 16 digits (BioTrack) or 24 upper-case letters and digits (Metrc)' },
};

export const isTagFor = (tag: string, system: StateSystem): boolean => formats[system].pattern.test(tag);

/**
 * One problem per line whose tag is not in the format of the state system that decides it (the
 * shipper's, or the receiver's for a paper manifest taken in), pointing at `/lines/{i}/tag`.
 */
export function tagFormatProblems(lines: readonly { readonly tag: string }[], system: StateSystem, whose: 'shipper' | 'receiver' = 'shipper'): FieldProblem[] {
  return lines.flatMap((line, index) =>
    isTagFor(line.tag, system)
      ? []
      : [{ pointer: jsonPointer(['lines', index, 'tag']), code: 'tag-format', message: `The ${whose}'s state system (${system}) expects ${formats[system].description}` }],
  );
}

/**
 * Package tags. Which format a licensee's tags must have is its state system's to say (each
 * adapter's capabilities carry it); the domain is handed the format it checks and never knows a
 * system by name.
 */
import { jsonPointer } from './problems.ts';
import type { FieldProblem } from './problems.ts';

/**
 * A state system's id as tenant records name its adapter (the registry,
 * `state-system/capabilities.ts`, lists them), or `none` for a licensee without one.
 */
export type StateSystem = string;
export const noStateSystem = 'none';

/** The tag format a state system checks, in a pattern and in words for the person who typed the tag. */
export interface PackageTagFormat {
  readonly pattern: RegExp;
  readonly description: string;
}

/**
 * Any tag the hub accepts at its edge, before it knows whose system decides: the union of the
 * systems' formats (the registry's test holds every system's format inside it). It is also the
 * format of a licensee without a state system, which may hold either.
 */
export const anyPackageTag = /^(?:\d{16}|[0-9A-Z]{24})$/;
export const anyTagFormat: PackageTagFormat = {
  pattern: anyPackageTag,
  description: 'a package tag: 16 digits (BioTrack) or 24 upper-case letters and digits (Metrc)',
};

export const isTagFor = (tag: string, format: PackageTagFormat): boolean => format.pattern.test(tag);

/**
 * One problem per line whose tag is not in the format of the state system that decides it (the
 * shipper's, or the receiver's for a paper manifest taken in), pointing at `/lines/{i}/tag`.
 */
export function tagFormatProblems(lines: readonly { readonly tag: string }[], format: PackageTagFormat, whose: 'shipper' | 'receiver' = 'shipper'): FieldProblem[] {
  return lines.flatMap((line, index) =>
    isTagFor(line.tag, format)
      ? []
      : [{ pointer: jsonPointer(['lines', index, 'tag']), code: 'tag-format', message: `The ${whose}'s state system expects ${format.description}` }],
  );
}

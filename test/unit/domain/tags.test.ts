import { describe, expect, it } from 'vitest';
import { isTagFor, tagFormatProblems } from '#shared/domain/transfer/tags.ts';

const biotrack = '1234567890123456';
const metrc = '1A4FF0100000022000000123';

describe('package tags', () => {
  it('follow the format of the state system', () => {
    expect(isTagFor(biotrack, 'biotrack-ny')).toBe(true);
    expect(isTagFor(metrc, 'biotrack-ny')).toBe(false);
    expect(isTagFor(metrc, 'metrc')).toBe(true);
    expect(isTagFor(biotrack, 'metrc')).toBe(false);
  });

  it('may be either format for a non-integrated licensee', () => {
    expect(isTagFor(biotrack, 'none')).toBe(true);
    expect(isTagFor(metrc, 'none')).toBe(true);
  });

  it('refuse near misses', () => {
    for (const system of ['biotrack-ny', 'metrc', 'none'] as const) {
      expect(isTagFor('123456789012345', system)).toBe(false);
      expect(isTagFor('12345678901234567', system)).toBe(false);
      expect(isTagFor(metrc.toLowerCase(), system)).toBe(false);
      expect(isTagFor(`${metrc}0`, system)).toBe(false);
      expect(isTagFor(` ${biotrack}`, system)).toBe(false);
    }
  });

  it('point at every line whose tag is in the wrong format', () => {
    const problems = tagFormatProblems([{ tag: metrc }, { tag: biotrack }, { tag: metrc }], 'biotrack-ny');

    const message = "The shipper's state system (biotrack-ny) expects a BioTrack package tag: 16 digits";
    expect(problems).toEqual([
      { pointer: '/lines/0/tag', code: 'tag-format', message },
      { pointer: '/lines/2/tag', code: 'tag-format', message },
    ]);
    expect(tagFormatProblems([{ tag: biotrack }], 'metrc')[0]?.message).toContain('24 upper-case letters and digits');
  });
});

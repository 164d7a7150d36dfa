import { describe, expect, it } from 'vitest';
import { isTagFor, tagFormatProblems } from '#shared/domain/transfer/tags.ts';
import { bioTrackSystem, metrcSystem, packageTagFormatOf, stateSystems } from '#shared/state-system/capabilities.ts';

const biotrack = '1234567890123456';
const metrc = '1A4FF0100000022000000123';
// The formats come from each system's capabilities; the domain only checks the one it is handed.
const bioTrackTags = packageTagFormatOf(bioTrackSystem);
const metrcTags = packageTagFormatOf(metrcSystem);
const anyTags = packageTagFormatOf('none');

describe('package tags', () => {
  it('follow the format of the state system', () => {
    expect(isTagFor(biotrack, bioTrackTags)).toBe(true);
    expect(isTagFor(metrc, bioTrackTags)).toBe(false);
    expect(isTagFor(metrc, metrcTags)).toBe(true);
    expect(isTagFor(biotrack, metrcTags)).toBe(false);
  });

  it('may be either format for a non-integrated licensee', () => {
    expect(isTagFor(biotrack, anyTags)).toBe(true);
    expect(isTagFor(metrc, anyTags)).toBe(true);
  });

  it('refuse near misses', () => {
    for (const format of [bioTrackTags, metrcTags, anyTags]) {
      expect(isTagFor('123456789012345', format)).toBe(false);
      expect(isTagFor('12345678901234567', format)).toBe(false);
      expect(isTagFor(metrc.toLowerCase(), format)).toBe(false);
      expect(isTagFor(`${metrc}0`, format)).toBe(false);
      expect(isTagFor(` ${biotrack}`, format)).toBe(false);
    }
  });

  it('accept at the edge every tag some system accepts', () => {
    const samples: Record<string, string> = { [bioTrackSystem]: biotrack, [metrcSystem]: metrc };
    for (const system of stateSystems) expect(isTagFor(samples[system] ?? '', anyTags)).toBe(true);
  });

  it('point at every line whose tag is in the wrong format', () => {
    const problems = tagFormatProblems([{ tag: metrc }, { tag: biotrack }, { tag: metrc }], bioTrackTags);

    const message = "The shipper's state system expects a BioTrack package tag: 16 digits";
    expect(problems).toEqual([
      { pointer: '/lines/0/tag', code: 'tag-format', message },
      { pointer: '/lines/2/tag', code: 'tag-format', message },
    ]);
    expect(tagFormatProblems([{ tag: biotrack }], metrcTags)[0]?.message).toContain('24 upper-case letters and digits');
  });
});

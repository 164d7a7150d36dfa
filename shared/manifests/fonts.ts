/**
 * The Unicode fonts manifests are set in (DejaVu Sans Condensed: Latin, Latin Extended, Greek,
 * Cyrillic), as package subpaths. The renderer reads them at run time, and the Lambda bundle
 * copies exactly these files (see `files` in `shared/routes.ts`).
 */
export const manifestFonts = {
  regular: 'dejavu-fonts-ttf/ttf/DejaVuSansCondensed.ttf',
  bold: 'dejavu-fonts-ttf/ttf/DejaVuSansCondensed-Bold.ttf',
} as const;

export const manifestFontFiles = Object.values(manifestFonts);

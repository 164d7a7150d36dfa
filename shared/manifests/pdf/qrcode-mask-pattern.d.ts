/** The ISO/IEC 18004 mask penalty rules of the `qrcode` package, which it exports but does not type. */
declare module 'qrcode/lib/core/mask-pattern.js' {
  import type { BitMatrix } from 'qrcode';

  /** XORs mask `pattern` over the modules that are not reserved (function patterns, format and version information). */
  export function applyMask(pattern: number, modules: BitMatrix): void;
  export function getPenaltyN1(modules: BitMatrix): number;
  export function getPenaltyN2(modules: BitMatrix): number;
  export function getPenaltyN3(modules: BitMatrix): number;
  export function getPenaltyN4(modules: BitMatrix): number;
}

/** The 15-bit BCH-coded format information of an error correction level and mask. */
declare module 'qrcode/lib/core/format-info.js' {
  export function getEncodedBits(errorCorrectionLevel: { readonly bit: number }, mask: number): number;
}

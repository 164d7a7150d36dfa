/** The ISO/IEC 18004 mask penalty rules of the `qrcode` package, which it exports but does not type. */
declare module 'qrcode/lib/core/mask-pattern.js' {
  import type { BitMatrix } from 'qrcode';

  export function getPenaltyN1(modules: BitMatrix): number;
  export function getPenaltyN2(modules: BitMatrix): number;
  export function getPenaltyN3(modules: BitMatrix): number;
  export function getPenaltyN4(modules: BitMatrix): number;
}

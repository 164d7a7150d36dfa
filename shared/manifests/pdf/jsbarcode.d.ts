/** The Code 128 encoder of jsbarcode, used without its DOM renderer. */
declare module 'jsbarcode/bin/barcodes/CODE128/index.js' {
  export class CODE128 {
    constructor(text: string, options: object);
    valid(): boolean;
    encode(): { readonly text: string; readonly data: string };
  }
}

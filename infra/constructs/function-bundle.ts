/**
 * How a hub function is bundled, in one place for `HubFunction` (CDK) and `npm run bench:cold`, so
 * the bench measures what deploys: esbuild, ESM, minified, for Node 24, the AWS SDK inside, linked
 * source maps without embedded sources, and code splitting: a dynamic `import()` (the PDF renderer)
 * becomes a chunk file beside `index.mjs` that Node reads only when the import runs, instead of
 * code every cold start parses. CDK's `NodejsFunction` bundles to one `--outfile` and cannot split,
 * so `HubFunction` runs this after it (`node infra/constructs/function-bundle.ts <entry> <outdir>`),
 * which writes `index.mjs` again with its chunks.
 *
 * A module named `*.prebuilt.ts` holds values fixed by the code alone (the OpenAPI document): it is
 * evaluated while bundling and the bundle gets its exports as JSON, not the code that builds them.
 */
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { BuildOptions, Metafile, Plugin } from 'esbuild';

/** Lets bundled CommonJS dependencies call `require` inside the ESM bundle (each chunk gets it too). */
export const createRequireBanner =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

export const functionBuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: true,
  // Stack traces need file and line only; embedded sources nearly triple the map Node parses.
  sourcesContent: false,
  splitting: true,
  entryNames: 'index',
  chunkNames: '[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  banner: { js: createRequireBanner },
  logLevel: 'warning',
} as const satisfies BuildOptions;

/** Puts the exports of `*.prebuilt.ts` modules into the bundle as JSON values. */
export const prebuilt: Plugin = {
  name: 'prebuilt',
  setup(setup) {
    setup.onLoad({ filter: /\.prebuilt\.ts$/ }, async ({ path }) => {
      const values = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
      const contents = Object.entries(values)
        .map(([name, value]) => `export const ${name} = ${JSON.stringify(value)};`)
        .join('\n');
      return { contents, loader: 'js' };
    });
  },
};

/** Bundles one handler module into `outdir`: `index.mjs`, its chunks and their maps. */
export async function bundleFunction(entry: string, outdir: string): Promise<Metafile> {
  const result = await build({ ...functionBuildOptions, plugins: [prebuilt], entryPoints: [entry], outdir, metafile: true });
  return result.metafile;
}

if (import.meta.main) {
  const [entry, outdir] = process.argv.slice(2);
  if (!entry || !outdir) throw new Error('Usage: node infra/constructs/function-bundle.ts <entry> <outdir>');
  await bundleFunction(entry, outdir);
}

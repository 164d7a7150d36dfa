/**
 * The vocabulary boundary in eslint.config.js: the repository's own configuration lints code as if
 * it stood at a given path. Type information is switched off for the fixture paths only (they are
 * not files of the TypeScript project); the boundary rules are syntactic, so they run as in `npm run lint`.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const eslint = new ESLint({ cwd: root, overrideConfig: [{ files: ['**/__fixture__.ts'], ...tseslint.configs.disableTypeChecked }] });
const boundary = new Set(['no-restricted-syntax', 'no-restricted-imports']);

async function lintAt(folder: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: `${folder}/__fixture__.ts` });
  if (!result) throw new Error('ESLint returned no result');
  return result.messages;
}

const boundaryHits = async (folder: string, code: string) => (await lintAt(folder, code)).filter((m) => m.ruleId !== null && boundary.has(m.ruleId));

const bioTrackFields = "export const invoice = { ExternalID: 'tr-1-1-register', LocationLicense: 'OCM-1' };\n";
const systemLiteral = "export const isState = (system: string): boolean => system === 'biotrack-ny';\n";
const adapterImport = "import { biotrackCapabilities } from '../../state-system/biotrack/capabilities.ts';\n\nexport const tag = biotrackCapabilities.packageTag;\n";

describe('state-system vocabulary boundary', { timeout: 60_000 }, () => {
  it('refuses a BioTrack field name in the domain, and says where it belongs', async () => {
    const hits = await boundaryHits('shared/domain/transfer', bioTrackFields);
    expect(hits.map((h) => h.ruleId)).toEqual(['no-restricted-syntax', 'no-restricted-syntax']);
    expect(hits[0]?.message).toContain('state-system vocabulary stays in its adapter: shared/state-system/biotrack/');
  });

  it('refuses a BioTrack field name in the transfer use-cases', async () => {
    expect(await boundaryHits('shared/transfers', "export const account = { ubi: '123456789' };\n")).toHaveLength(1);
    expect(await boundaryHits('shared/transfers', "export const header = (value: string) => ({ 'X-Ubi': value });\n")).toHaveLength(1);
  });

  it('refuses a Metrc field name outside its adapter', async () => {
    const hits = await boundaryHits('functions/me', "export const row = (r: { RecipientLicenseNumber: string }) => r.RecipientLicenseNumber;\n");
    expect(hits).toHaveLength(2);
    expect(hits[0]?.message).toContain('shared/state-system/metrc/');
  });

  it('refuses a state-system name as a literal, in a string or a template', async () => {
    expect(await boundaryHits('shared/tenants', systemLiteral)).toHaveLength(1);
    expect(await boundaryHits('functions/me', "export const key = (id: string) => `metrc#${id}`;\nexport const name = 'metrc';\n")).toHaveLength(1);
  });

  it('refuses an import of an adapter folder from the domain', async () => {
    const hits = await boundaryHits('shared/domain/transfer', adapterImport);
    expect(hits.map((h) => h.ruleId)).toEqual(['no-restricted-imports']);
    expect(hits[0]?.message).toContain('shared/state-system/biotrack/');
  });

  it('lets neutral names through', async () => {
    expect(await lintAt('shared/domain/transfer', "export const refs = { manifestNumber: '0000012345', stateLicenseNumber: 'OCM-1' };\n")).toEqual([]);
  });

  it('lets the same code through inside the adapter', async () => {
    const folder = 'shared/state-system/biotrack';
    expect(await lintAt(folder, bioTrackFields)).toEqual([]);
    expect(await lintAt(folder, systemLiteral)).toEqual([]);
    expect(await lintAt(folder, "import { biotrackCapabilities } from './capabilities.ts';\n\nexport const tag = biotrackCapabilities.packageTag;\n")).toEqual([]);
  });
});

// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The vocabulary boundary: a state system's field names and its name as a literal stay in its
 * adapter's folder, so the rest of the hub speaks the port's neutral terms and a second system
 * needs no edits outside its own folder.
 */
const whyBioTrack = "state-system vocabulary stays in its adapter: shared/state-system/biotrack/ (speak the port's neutral terms here)";
const whyMetrc = "state-system vocabulary stays in its adapter: shared/state-system/metrc/ (speak the port's neutral terms here)";
const whySystemName = 'state-system vocabulary stays in its adapter: shared/state-system/<system>/ (a system is named by its folder\'s exported id, and only in the registries shared/state-system/capabilities.ts and wiring.ts)';

// BioTrack NY-API fields and words, as identifiers (variables, keys, members, types).
const bioTrackNames = '/^(ExternalID|externalId|InventoryTransfer\\w*|inventoryTransferIds?|ManifestID|InvoiceID|invoiceId|LocationLicense|ubi|UBI)$/';
// The same, inside strings (a bracket key, a header, a zod path, a message).
const bioTrackStrings = '/\\b(ExternalID|InventoryTransfer\\w*|inventoryTransferIds?|ManifestID|InvoiceID|LocationLicense|X-Ubi)\\b|^(externalId|invoiceId|manifestId|ubi|UBI)$/';
// Metrc's PascalCase fields. `LicenseNumber` alone stays free: it is the hub's own type of an OCM license number.
const metrcNames = '/^([A-Z][A-Za-z]+LicenseNumber|PackageLabel|TransferTemplateId|OriginatingTemplateId|ShipmentPackageState\\w*|DeliveryId)$/';
const metrcStrings = '/\\b([A-Z][A-Za-z]+LicenseNumber|PackageLabel|ManifestNumber|TransferTemplateId|OriginatingTemplateId|ShipmentPackageState\\w*|DeliveryId)\\b/';
const systemNames = '/\\bbiotrack-ny\\b|^metrc$/';

const vocabulary = [
  { selector: `Identifier[name=${bioTrackNames}]`, message: `BioTrack field name: ${whyBioTrack}` },
  // `manifestId` is BioTrack's manifest field; as a local name it is harmless, as a record's field it is the state's shape.
  { selector: ':matches(Property, TSPropertySignature, PropertyDefinition) > Identifier.key[name="manifestId"]', message: `BioTrack field name: ${whyBioTrack}` },
  { selector: 'MemberExpression > Identifier.property[name="manifestId"]', message: `BioTrack field name: ${whyBioTrack}` },
  { selector: `Literal[value=${bioTrackStrings}]`, message: `BioTrack field name: ${whyBioTrack}` },
  { selector: `TemplateElement[value.raw=${bioTrackStrings}]`, message: `BioTrack field name: ${whyBioTrack}` },
  { selector: `Identifier[name=${metrcNames}]`, message: `Metrc field name: ${whyMetrc}` },
  // `ManifestNumber` may name the hub's own concept as a type; as a field it is Metrc's PascalCase shape.
  { selector: ':matches(Property, TSPropertySignature, PropertyDefinition) > Identifier.key[name="ManifestNumber"]', message: `Metrc field name: ${whyMetrc}` },
  { selector: 'MemberExpression > Identifier.property[name="ManifestNumber"]', message: `Metrc field name: ${whyMetrc}` },
  { selector: `Literal[value=${metrcStrings}]`, message: `Metrc field name: ${whyMetrc}` },
  { selector: `TemplateElement[value.raw=${metrcStrings}]`, message: `Metrc field name: ${whyMetrc}` },
  { selector: `Literal[value=${systemNames}]`, message: `State-system name as a literal: ${whySystemName}` },
  { selector: `TemplateElement[value.raw=${systemNames}]`, message: `State-system name as a literal: ${whySystemName}` },
];

// zod's named `z` export pulls in the whole library; the namespace import lets esbuild drop what a
// function never calls (the authorizer's bundle halves).
const zodNamespace = { selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier", message: "Import zod as a namespace: `import * as z from 'zod'` (keeps bundles small)" };

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.local/', 'test-artifacts/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Ports and Lambda handlers are async by contract, whether or not a given one awaits.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      'no-restricted-syntax': ['error', zodNamespace],
    },
  },
  {
    files: ['shared/**/*.ts', 'functions/**/*.ts'],
    // The adapters' own folders, and the registries that map each system's id to its parts.
    ignores: ['shared/state-system/biotrack/**', 'shared/state-system/metrc/**', 'shared/state-system/capabilities.ts', 'shared/state-system/wiring.ts'],
    rules: { 'no-restricted-syntax': ['error', zodNamespace, ...vocabulary] },
  },
  {
    files: ['shared/domain/**/*.ts', 'shared/transfers/**/*.ts', 'shared/submissions/**/*.ts', 'shared/manifests/**/*.ts', 'shared/receipt-links/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/state-system/biotrack', '**/state-system/biotrack/**'], message: `The domain and its use-cases reach BioTrack through the port: ${whyBioTrack}` },
            { group: ['**/state-system/metrc', '**/state-system/metrc/**'], message: `The domain and its use-cases reach Metrc through the port: ${whyMetrc}` },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);

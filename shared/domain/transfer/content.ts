/**
 * Checks on what a draft holds. The invariants (per line, across lines, across fields) hold under
 * any configuration, so the request schemas run them too; `draftProblems` adds the configurable
 * rules and the tag format of the shipper's state system, which only the domain operations know.
 */
import { problem, toFieldProblem } from './problems.ts';
import type { FieldProblem, Path, Problem } from './problems.ts';
import { compareWeights, quantityProblem } from './quantities.ts';
import type { Unit, Weight } from './quantities.ts';
import type { TransferRules } from './rules.ts';
import type { TransferContent } from './schemas.ts';
import { tagFormatProblems } from './tags.ts';
import type { PackageTagFormat } from './tags.ts';

/** The fields of a line the invariants read (structural, so the schemas can call them on their own output). */
export interface LineFields {
  readonly quantity: number;
  readonly unit: Unit;
  readonly netWeight?: Weight | undefined;
  readonly grossWeight?: Weight | undefined;
  readonly totalThc?: { readonly value: number; readonly unit: string; readonly per?: ThcBasis | undefined } | undefined;
}

/** An amount of THC in mg is for each unit or for the whole package; a concentration is the same for both. */
export const thcBases = ['unit', 'package'] as const;
export type ThcBasis = (typeof thcBases)[number];

export interface DraftInvariantFields {
  readonly lines?: readonly { readonly tag: string }[] | undefined;
  readonly driverIds?: readonly string[] | undefined;
  readonly estimatedDeparture?: string | undefined;
  readonly estimatedArrival?: string | undefined;
  readonly layover?: { readonly at: string } | undefined;
}

export function lineProblems(line: LineFields): Problem[] {
  const problems: Problem[] = [];
  const quantity = quantityProblem(line.quantity, line.unit);
  if (quantity) problems.push(problem(['quantity'], quantity.code, quantity.message));
  if (line.netWeight && line.grossWeight && compareWeights(line.grossWeight, line.netWeight) < 0) {
    problems.push(problem(['grossWeight'], 'gross-below-net', 'The gross weight cannot be less than the net weight'));
  }
  if (line.totalThc?.unit === '%' && line.totalThc.value > 100) {
    problems.push(problem(['totalThc', 'value'], 'thc-over-100-percent', 'A percentage cannot exceed 100'));
  }
  if (line.totalThc?.unit === 'mg' && line.totalThc.per === undefined) {
    problems.push(problem(['totalThc', 'per'], 'thc-basis-required', "Say whether the mg are per unit or for the whole package: per 'unit' or 'package'"));
  }
  return problems;
}

/** Every repeat of a tag, pointing at the later line. */
export function duplicateTagProblems(lines: readonly { readonly tag: string }[]): Problem[] {
  return duplicates(lines.map((line) => line.tag), (index) => ['lines', index, 'tag'], 'duplicate-tag', (first) =>
    `This package is already on line ${first + 1}: a tag appears at most once on a transfer`,
  );
}

export function draftInvariantProblems(fields: DraftInvariantFields): Problem[] {
  const problems = [
    ...duplicateTagProblems(fields.lines ?? []),
    ...duplicates(fields.driverIds ?? [], (index) => ['driverIds', index], 'duplicate-driver', () => 'This driver is already listed'),
  ];
  const departure = fields.estimatedDeparture === undefined ? undefined : Date.parse(fields.estimatedDeparture);
  const arrival = fields.estimatedArrival === undefined ? undefined : Date.parse(fields.estimatedArrival);
  if (departure !== undefined && arrival !== undefined && arrival <= departure) {
    problems.push(problem(['estimatedArrival'], 'arrival-before-departure', 'The estimated arrival must be after the estimated departure'));
  }
  if (fields.layover !== undefined) {
    const at = Date.parse(fields.layover.at);
    if ((departure !== undefined && at < departure) || (arrival !== undefined && at > arrival)) {
      problems.push(problem(['layover', 'at'], 'layover-outside-trip', 'The layover must fall between the estimated departure and arrival'));
    }
  }
  return problems;
}

/** Everything a draft must satisfy to be saved: the invariants, the configured rules and the shipper's tag format. */
export function draftProblems(content: TransferContent, rules: TransferRules, tags: PackageTagFormat): FieldProblem[] {
  const problems: Problem[] = [
    ...content.lines.flatMap((line, index) => lineProblems(line).map((p) => ({ ...p, path: ['lines', index, ...p.path] }))),
    ...draftInvariantProblems(content),
  ];
  if (rules.maxLines.enabled && content.lines.length > rules.maxLines.max) {
    problems.push(problem(['lines'], 'too-many-lines', `A transfer carries at most ${rules.maxLines.max} packages`));
  }
  if (rules.wholesaleUnitPrice.enabled && content.type === 'wholesale') {
    content.lines.forEach((line, index) => {
      if (line.unitPrice === undefined) problems.push(problem(['lines', index, 'unitPrice'], 'unit-price-required', 'A wholesale line needs a unit price'));
    });
  }
  return [...problems.map(toFieldProblem), ...tagFormatProblems(content.lines, tags)];
}

function duplicates(
  values: readonly string[],
  pathOf: (index: number) => Path,
  code: string,
  message: (firstIndex: number) => string,
): Problem[] {
  const firstIndex = new Map<string, number>();
  const problems: Problem[] = [];
  values.forEach((value, index) => {
    const first = firstIndex.get(value);
    if (first === undefined) firstIndex.set(value, index);
    else problems.push(problem(pathOf(index), code, message(first)));
  });
  return problems;
}

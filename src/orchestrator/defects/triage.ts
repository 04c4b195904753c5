// Triage from the evidence alone: what failed decides the category, how much of the work is
// missing decides the severity. Pure, so a test pins every rule and a resumed run agrees.

import type { CheckResult } from '../../protocol/events';
import type { DefectSeverity, DefectSource, ReviewFinding } from '../../protocol/events-defects';

export interface Triage {
  readonly severity: DefectSeverity;
  readonly category: string;
  readonly summary: string;
}

export interface DefectEvidence {
  readonly source: DefectSource;
  readonly reason: string;
  /** Every check of the round, passed or not. */
  readonly checks: readonly CheckResult[];
  readonly findings?: readonly ReviewFinding[];
}

/** Categories a review finding falls in, by the words it uses; the first that matches wins. */
const FINDING_CATEGORIES: readonly (readonly [string, RegExp])[] = [
  ['security', /\b(secret|token|password|inject\w*|xss|csrf|auth\w*|sanitiz\w*|escap\w*)\b/i],
  ['tests', /\b(tests?|coverage|assert\w*|spec)\b/i],
  ['error-handling', /\b(errors?|exceptions?|throws?|crash\w*|unhandled|null|undefined)\b/i],
  ['performance', /\b(slow|performance|n\+1|quadratic|memory|leak)\b/i],
  ['style', /\b(naming|style|formatting|typos?|comments?|readab\w*)\b/i],
];

export function triage(evidence: DefectEvidence): Triage {
  const failed = evidence.checks.filter((c) => !c.passed);
  if (evidence.source === 'merge-conflict') {
    return { severity: 'major', category: 'merge-conflict', summary: `${evidence.reason}: ${firstLine(failed.at(-1)?.detail ?? '')}` };
  }
  if (evidence.source === 'review' || evidence.source === 'person') {
    const findings = evidence.findings ?? [];
    const text = findings.map((f) => f.text).join('\n');
    const category = FINDING_CATEGORIES.find(([, words]) => words.test(text))?.[0] ?? 'requirements';
    // A located finding is concrete work to do; several of them, or a security one, weigh more.
    const severity: DefectSeverity = category === 'security' ? 'critical' : findings.length > 1 || findings.some((f) => f.file !== undefined) ? 'major' : 'minor';
    return { severity, category, summary: findings[0] === undefined ? evidence.reason : `${evidence.reason}: ${firstLine(findings[0].text)}` };
  }
  if (failed.length === 0) return { severity: 'critical', category: 'no-change', summary: evidence.reason };
  const category = checkCategory(failed[0]!);
  // Nothing of what was asked holds: no check passed.
  const severity: DefectSeverity = failed.length === evidence.checks.length ? 'critical' : 'major';
  return { severity, category, summary: `${failed[0]!.check}: ${firstLine(failed[0]!.detail)}` };
}

function checkCategory(check: CheckResult): string {
  const name = check.check;
  if (name.startsWith('file ')) return 'missing-file';
  if (name.startsWith('browser')) return 'ui';
  if (/timed out/.test(check.detail)) return 'timeout';
  if (/\b(test|tests|jest|mocha|vitest|pytest|spec)\b/.test(name)) return 'failing-tests';
  if (/\b(lint|eslint|prettier|ruff|flake8)\b/.test(name)) return 'lint';
  if (/\b(tsc|build|compile|make|cargo|go build)\b/.test(name)) return 'build';
  return 'command';
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 160 ? `${line.slice(0, 160)}…` : line;
}

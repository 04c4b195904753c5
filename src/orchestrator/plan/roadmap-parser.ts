// Reads a Markdown roadmap into phases and milestones, the way a person reads it: phases are
// `## Phase N: Title` (or `###` when the document puts them one level down), milestones the next
// level, as `### N.M Title` or `### Milestone N.M: Title`. PRDs are attached later by load-plan.
import type { InputWarning, Milestone, Phase, Roadmap } from '../../protocol/domain';
import { InputError, InputErrors } from '../errors';
import { scanMarkdown, type MarkdownLine } from './markdown-lines';
import { isCandidateHeading, namesUnnumberedPhase, parseMilestoneHeading, parsePhaseHeading, type MilestoneHeading, type PhaseHeading } from './roadmap-headings';

// Only a parenthesis that reads like a time span is a duration: "(Weeks 1-4)", not "(beta)".
const TRAILING_SPAN = /\s*\(([^()]*\b(?:weeks?|months?|days?|sprints?|quarters?|Q[1-4])\b[^()]*)\)$/i;
const LABEL = /^\*\*([^*]+?)\s*(:?)\*\*\s*(:?)\s*(.*)$/;
const CHECKBOX_ITEM = /^\[[ xX~/-]\]\s+/;
const EXPECTED_SHAPE = "phases as '## Phase 1: Title' (or '### Phase 1: Title') with milestones '### 1.1 Title' or '### Milestone 1.1: Title' under them; orch plan --infer can structure a free-form roadmap";

type HeadingLine = Extract<MarkdownLine, { kind: 'heading' }>;

interface MilestoneDraft {
  id: string;
  phaseId: string;
  title: string;
  duration?: string;
  focus?: string;
  features: string[];
  successMetrics: string[];
  line: number;
  level: number;
}

interface PhaseDraft {
  id: string;
  title: string;
  duration?: string;
  milestones: MilestoneDraft[];
  line: number;
  /** The first heading under the phase that is not a milestone, to point at when it has none. */
  firstSubheading?: { text: string; line: number };
}

type Section = 'features' | 'metrics';

/** Throws InputErrors (every problem found, each with file and line) when the roadmap is unusable. */
export function parseRoadmap(text: string, file: string): Roadmap {
  const lines = scanMarkdown(text);
  const parser = new RoadmapParser(file, phaseLevelOf(lines));
  for (const line of lines) parser.accept(line);
  return parser.finish(lines);
}

/** `##` or `###`, whichever holds more phase headings (`##` on a tie): a stray "## Phase 1 retro" does not move them. */
function phaseLevelOf(lines: readonly MarkdownLine[]): number {
  const count = (level: number) => lines.filter((l) => l.kind === 'heading' && l.summary !== true && l.level === level && parsePhaseHeading(l.text) !== undefined).length;
  return count(3) > count(2) ? 3 : 2;
}

class RoadmapParser {
  private title: string | undefined;
  private readonly phases: PhaseDraft[] = [];
  private readonly errors: InputError[] = [];
  private readonly warnings: InputWarning[] = [];
  private readonly milestoneLines = new Map<string, number>();
  private readonly phaseLines = new Map<string, number>();
  private phase: PhaseDraft | undefined;
  private milestone: MilestoneDraft | undefined;
  private section: Section = 'features';
  /** Open list items by indent, so a nested bullet can carry its parents' text. */
  private items: { indent: number; text: string; index: number; section: Section }[] = [];
  private lastKind: MarkdownLine['kind'] = 'blank';
  /** The last heading that closed a phase: a milestone under it has no phase. */
  private outsideHeading: { text: string; line: number } | undefined;
  private seenPhase = false;

  constructor(
    private readonly file: string,
    private readonly phaseLevel: number,
  ) {}

  accept(line: MarkdownLine): void {
    if (line.kind === 'heading') this.heading(line);
    else if (line.kind === 'item') this.item(line.indent, line.text.replace(CHECKBOX_ITEM, ''));
    else if (line.kind === 'text') this.text(line.indent, line.text);
    this.lastKind = line.kind;
  }

  finish(lines: readonly MarkdownLine[]): Roadmap {
    if (this.errors.length === 0) this.checkStructure(lines);
    if (this.errors.length > 0) throw new InputErrors(this.errors);
    const roadmap: Roadmap = { title: this.title ?? '', file: this.file, phases: this.phases.map((p) => this.freezePhase(p)) };
    return this.warnings.length === 0 ? roadmap : { ...roadmap, warnings: [...this.warnings].sort((a, b) => a.line - b.line) };
  }

  /** No phases, or phases without a single milestone, is never read as an empty plan. */
  private checkStructure(lines: readonly MarkdownLine[]): void {
    if (this.phases.length === 0) {
      const near = nearestCandidate(lines);
      if (near === undefined) this.errors.push(new InputError('no phases found', { file: this.file }, `a roadmap needs ${EXPECTED_SHAPE}`));
      else this.error(`no phases found; the nearest candidate is '${near.text}'`, near.line, `Orch reads ${EXPECTED_SHAPE}`);
      return;
    }
    const empty = this.phases.filter((p) => p.milestones.length === 0);
    if (empty.length === this.phases.length) {
      const first = this.phases[0] as PhaseDraft;
      const under = first.firstSubheading === undefined ? '' : `; the first heading under it is '${first.firstSubheading.text}' (line ${first.firstSubheading.line})`;
      const which = this.phases.length === 1 ? `phase ${first.id} has no milestone heading` : `none of the ${this.phases.length} phases has a milestone heading`;
      this.error(`no milestones: ${which}${under}`, first.line, `under each phase write milestones as '${hashes(this.phaseLevel + 1)} ${first.id}.1 Title' or '${hashes(this.phaseLevel + 1)} Milestone ${first.id}.1: Title', or let orch plan --infer structure it`);
      return;
    }
    for (const phase of empty) this.warn(phase.line, `phase ${phase.id} '${phase.title}' has no milestones, so nothing in it will run`);
  }

  private heading(h: HeadingLine): void {
    this.items = [];
    const { level, text, line } = h;
    const summary = h.summary === true;
    const written = summary ? `<summary>${text}</summary>` : `${hashes(level)} ${text}`;
    if (level === 1 && !summary) {
      this.title ??= text;
      this.closePhase({ text: written, line });
      return;
    }
    const phase = parsePhaseHeading(text);
    if (phase !== undefined && (summary || level === this.phaseLevel)) {
      this.openPhase(phase, line);
      return;
    }
    if (phase !== undefined) {
      this.warn(line, `'${written}' reads like phase ${phase.id}, but the phases here are '${hashes(this.phaseLevel)}' headings; it is not read as one`);
    } else if (namesUnnumberedPhase(text)) {
      this.warn(line, `'${written}' names a phase Orch cannot number; it is not read as one`, `write it as '${hashes(this.phaseLevel)} Phase N: Title' with a whole number N`);
    }
    const milestone = phase === undefined ? parseMilestoneHeading(text) : undefined;
    const milestoneLevel = this.phaseLevel + 1;
    if (milestone !== undefined && (summary || level === milestoneLevel)) {
      this.openMilestone(milestone, line, milestoneLevel, written);
      return;
    }
    // `#### 1.2 Risks` inside a milestone is one of its sections, not a milestone.
    const section = milestone !== undefined && !milestone.explicit && this.milestone !== undefined && level > this.milestone.level;
    if (milestone !== undefined && !section) {
      this.warn(line, `'${written}' reads like milestone ${milestone.id}, but the milestones here are '${hashes(milestoneLevel)}' headings; it is not read as one`);
    }
    if (summary) return;
    if (level <= this.phaseLevel) {
      this.closePhase({ text: written, line });
    } else if (this.milestone !== undefined && level > this.milestone.level) {
      // Deeper headings inside a milestone group its bullets like a bold label does.
      this.section = isMetricsLabel(text) ? 'metrics' : 'features';
    } else {
      this.milestone = undefined;
      if (this.phase !== undefined) this.phase.firstSubheading ??= { text: written, line };
    }
  }

  private closePhase(heading: { text: string; line: number }): void {
    this.phase = undefined;
    this.milestone = undefined;
    this.outsideHeading = heading;
  }

  private openPhase(heading: PhaseHeading, line: number): void {
    const { id } = heading;
    this.milestone = undefined;
    this.seenPhase = true;
    // "## Phase 1" alone is a phase a person reads as "Phase 1".
    const title = heading.title === '' ? `Phase ${id}` : heading.title;
    const span = TRAILING_SPAN.exec(title);
    const draft: PhaseDraft = { id, title: span === null ? title : title.slice(0, span.index).trim(), milestones: [], line };
    if (span?.[1] !== undefined) draft.duration = span[1].trim();
    // A duplicate phase heading still scopes the milestones under it, so they are checked too.
    this.phase = draft;
    const first = this.phaseLines.get(id);
    if (first !== undefined) {
      this.error(`duplicate phase ${id} (first at line ${first})`, line, 'phase numbers must be unique');
    } else {
      this.phaseLines.set(id, line);
      this.phases.push(draft);
    }
  }

  private openMilestone(heading: MilestoneHeading, line: number, level: number, written: string): void {
    const { id, explicit } = heading;
    const phase = this.phase;
    this.milestone = undefined;
    if (phase === undefined) {
      const outside = this.outsideHeading;
      const where = !this.seenPhase || outside === undefined ? 'before any phase' : `under '${outside.text}' (line ${outside.line}), which is not a phase`;
      // "### 1.1 Purpose" is also how numbered documents label sections: only the word "Milestone" makes it one for sure.
      if (explicit) this.error(`milestone ${id} is ${where}`, line, "milestones belong under a '## Phase N: Title' heading");
      else this.warn(line, `'${written}' reads like milestone ${id} but is ${where}; it is not read as one`);
      return;
    }
    if (!/^\d+\.\d+$/.test(id)) {
      this.error(`milestone id '${id}' is not of the form PHASE.NUMBER`, line, `write it as '${hashes(level)} Milestone ${phase.id}.1: Title'`);
      return;
    }
    if (id.split('.')[0] !== phase.id) {
      if (explicit) this.error(`milestone ${id} is under phase ${phase.id} (line ${phase.line})`, line, `its number must start with '${phase.id}.'`);
      else this.warn(line, `'${written}' is numbered for phase ${id.split('.')[0]} but is under phase ${phase.id} (line ${phase.line}); it is not read as a milestone`);
      return;
    }
    const first = this.milestoneLines.get(id);
    if (first !== undefined) {
      this.error(`duplicate milestone ${id} (first at line ${first})`, line, 'milestone numbers must be unique');
      return;
    }
    if (heading.title === '') {
      this.error(`milestone ${id} has no title`, line, `write it as '${hashes(level)} ${explicit ? 'Milestone ' : ''}${id}${explicit ? ':' : ''} Title'`);
      return;
    }
    this.milestoneLines.set(id, line);
    this.milestone = { id, phaseId: phase.id, title: heading.title, features: [], successMetrics: [], line, level };
    this.section = 'features';
    phase.milestones.push(this.milestone);
  }

  private item(indent: number, text: string): void {
    const milestone = this.milestone;
    if (milestone === undefined) return;
    if (this.label(text, true)) return;
    while (this.items.length > 0 && (this.items.at(-1)?.indent ?? 0) >= indent) this.items.pop();
    const parent = this.items.at(-1);
    const section = parent?.section ?? this.section;
    const list = section === 'metrics' ? milestone.successMetrics : milestone.features;
    list.push(parent === undefined ? text : `${parent.text} > ${text}`);
    this.items.push({ indent, text, index: list.length - 1, section });
  }

  private text(indent: number, text: string): void {
    const milestone = this.milestone;
    if (milestone === undefined) return;
    const open = this.items.at(-1);
    // A line right after a bullet, or indented under one, continues that bullet's text.
    if (open !== undefined && (this.lastKind === 'item' || this.lastKind === 'text' || indent > open.indent)) {
      const list = open.section === 'metrics' ? milestone.successMetrics : milestone.features;
      list[open.index] = `${list[open.index] ?? ''} ${text}`;
      open.text = `${open.text} ${text}`;
      return;
    }
    this.items = [];
    this.label(text);
  }

  /** `**Duration:** 1 week`, `**Focus:** ...`, or a bold sub-heading that starts a bullet group. */
  private label(text: string, inBullet = false): boolean {
    const milestone = this.milestone;
    const match = LABEL.exec(text);
    if (milestone === undefined || match?.[1] === undefined || (match[2] === '' && match[3] === '')) return false;
    const name = match[1].trim().toLowerCase();
    const value = (match[4] ?? '').trim();
    // "- **Native**: built for ..." is a feature written with a bold lead, not a sub-heading.
    if (inBullet && value !== '' && name !== 'duration' && name !== 'focus') return false;
    if (name === 'duration') milestone.duration ??= value === '' ? undefined : value;
    else if (name === 'focus') milestone.focus ??= value === '' ? undefined : value;
    else {
      this.items = [];
      this.section = isMetricsLabel(name) ? 'metrics' : 'features';
    }
    return true;
  }

  private error(message: string, line: number, hint?: string): void {
    this.errors.push(new InputError(message, { file: this.file, line }, hint));
  }

  private warn(line: number, message: string, hint?: string): void {
    this.warnings.push({ file: this.file, line, message: hint === undefined ? message : `${message} (${hint})` });
  }

  private freezePhase(p: PhaseDraft): Phase {
    const milestones = p.milestones.map((m) => this.freezeMilestone(m));
    const source = { file: this.file, line: p.line };
    return p.duration === undefined
      ? { id: p.id, title: p.title, milestones, source }
      : { id: p.id, title: p.title, duration: p.duration, milestones, source };
  }

  private freezeMilestone(m: MilestoneDraft): Milestone {
    return {
      id: m.id,
      phaseId: m.phaseId,
      title: m.title,
      ...(m.duration === undefined ? {} : { duration: m.duration }),
      ...(m.focus === undefined ? {} : { focus: m.focus }),
      features: m.features,
      successMetrics: m.successMetrics,
      prds: [],
      source: { file: this.file, line: m.line },
    };
  }
}

function hashes(level: number): string {
  return '#'.repeat(level);
}

/** The heading a person most likely meant as the first phase: one that reads like a plan step, else the first section. */
function nearestCandidate(lines: readonly MarkdownLine[]): { text: string; line: number } | undefined {
  const headings = lines.filter((l): l is HeadingLine => l.kind === 'heading' && l.level !== 1);
  const near = headings.find((h) => isCandidateHeading(h.text)) ?? headings.find((h) => h.level === 2 || h.level === 3);
  if (near === undefined) return undefined;
  return { text: near.summary === true ? `<summary>${near.text}</summary>` : `${hashes(near.level)} ${near.text}`, line: near.line };
}

function isMetricsLabel(text: string): boolean {
  return /^success\s+metrics?:?$/i.test(text.trim());
}

// Reads a roadmap shaped like the seed (DESIGN.md §3) into phases and milestones. PRDs are
// attached later by load-plan; here every milestone has none.
import type { Milestone, Phase, Roadmap } from '../../protocol/domain';
import { InputError, InputErrors } from '../errors';
import { scanMarkdown, type MarkdownLine } from './markdown-lines';

// Anything may precede "Phase"/"Milestone": real roadmaps put emoji there, often mis-encoded.
const PHASE_HEADING = /^(?:.*?[^\p{L}\p{N}])?Phase\s+(\d+)(?:\s*[:\u2013\u2014-]\s*(.*))?$/iu;
const MILESTONE_HEADING = /^(?:.*?[^\p{L}\p{N}])?Milestone\s+(\d+(?:\.\d+)*)(?:\s*[:\u2013\u2014-]\s*(.*))?$/iu;
// Only a parenthesis that reads like a time span is a duration: "(Weeks 1-4)", not "(beta)".
const TRAILING_SPAN = /\s*\(([^()]*\b(?:weeks?|months?|days?|sprints?|quarters?|Q[1-4])\b[^()]*)\)$/i;
const LABEL = /^\*\*([^*]+?)\s*(:?)\*\*\s*(:?)\s*(.*)$/;

interface MilestoneDraft {
  id: string;
  phaseId: string;
  title: string;
  duration?: string;
  focus?: string;
  features: string[];
  successMetrics: string[];
  line: number;
}

interface PhaseDraft {
  id: string;
  title: string;
  duration?: string;
  milestones: MilestoneDraft[];
  line: number;
}

type Section = 'features' | 'metrics';

/** Throws InputErrors (every problem found, each with file and line) when the roadmap is unusable. */
export function parseRoadmap(text: string, file: string): Roadmap {
  const parser = new RoadmapParser(file);
  for (const line of scanMarkdown(text)) parser.accept(line);
  return parser.finish();
}

class RoadmapParser {
  private title: string | undefined;
  private readonly phases: PhaseDraft[] = [];
  private readonly errors: InputError[] = [];
  private readonly milestoneLines = new Map<string, number>();
  private readonly phaseLines = new Map<string, number>();
  private phase: PhaseDraft | undefined;
  private milestone: MilestoneDraft | undefined;
  private section: Section = 'features';
  /** Open list items by indent, so a nested bullet can carry its parents' text. */
  private items: { indent: number; text: string; index: number; section: Section }[] = [];
  private lastKind: MarkdownLine['kind'] = 'blank';
  /** The last `##` heading that was not a phase: a milestone under it has no phase. */
  private outsideHeading: { text: string; line: number } | undefined;
  private seenPhase = false;

  constructor(private readonly file: string) {}

  accept(line: MarkdownLine): void {
    if (line.kind === 'heading') this.heading(line.level, line.text, line.line);
    else if (line.kind === 'item') this.item(line.indent, line.text);
    else if (line.kind === 'text') this.text(line.indent, line.text);
    this.lastKind = line.kind;
  }

  finish(): Roadmap {
    if (this.phases.length === 0 && this.errors.length === 0) {
      this.errors.push(
        new InputError('no phases found', { file: this.file }, "a roadmap needs headings like '## Phase 1: Title' with '### Milestone 1.1: Title' under them"),
      );
    }
    if (this.errors.length > 0) throw new InputErrors(this.errors);
    return { title: this.title ?? '', file: this.file, phases: this.phases.map((p) => this.freezePhase(p)) };
  }

  private heading(level: number, text: string, line: number): void {
    this.items = [];
    if (level === 1) {
      this.title ??= text;
      this.closePhase({ text: `# ${text}`, line });
    } else if (level === 2) {
      const match = PHASE_HEADING.exec(text);
      if (match?.[1] === undefined) this.closePhase({ text: `## ${text}`, line });
      else this.openPhase(match[1], match[2], line);
    } else if (level === 3) {
      const match = MILESTONE_HEADING.exec(text);
      this.milestone = undefined;
      if (match?.[1] !== undefined) this.openMilestone(match[1], match[2], line);
    } else if (this.milestone !== undefined) {
      // Deeper headings inside a milestone group its bullets like a bold label does.
      this.section = isMetricsLabel(text) ? 'metrics' : 'features';
    }
  }

  private closePhase(heading: { text: string; line: number }): void {
    this.phase = undefined;
    this.milestone = undefined;
    this.outsideHeading = heading;
  }

  private openPhase(id: string, rawTitle: string | undefined, line: number): void {
    this.milestone = undefined;
    this.seenPhase = true;
    const title = (rawTitle ?? '').trim();
    const span = TRAILING_SPAN.exec(title);
    const draft: PhaseDraft = { id, title: span === null ? title : title.slice(0, span.index).trim(), milestones: [], line };
    if (span?.[1] !== undefined) draft.duration = span[1].trim();
    // A bad phase heading still scopes the milestones under it, so they are checked too.
    this.phase = draft;
    const first = this.phaseLines.get(id);
    if (first !== undefined) {
      this.error(`duplicate phase ${id} (first at line ${first})`, line, 'phase numbers must be unique');
    } else if (title === '') {
      this.error(`phase ${id} has no title`, line, `write it as '## Phase ${id}: Title'`);
    } else {
      this.phaseLines.set(id, line);
      this.phases.push(draft);
    }
  }

  private openMilestone(id: string, rawTitle: string | undefined, line: number): void {
    const phase = this.phase;
    if (phase === undefined) {
      const outside = this.outsideHeading;
      const where = !this.seenPhase || outside === undefined ? 'before any phase' : `under '${outside.text}' (line ${outside.line}), which is not a phase`;
      this.error(`milestone ${id} is ${where}`, line, "milestones belong under a '## Phase N: Title' heading");
      return;
    }
    if (!/^\d+\.\d+$/.test(id)) {
      this.error(`milestone id '${id}' is not of the form PHASE.NUMBER`, line, `write it as '### Milestone ${phase.id}.1: Title'`);
      return;
    }
    if (id.split('.')[0] !== phase.id) {
      this.error(`milestone ${id} is under phase ${phase.id} (line ${phase.line})`, line, `its number must start with '${phase.id}.'`);
      return;
    }
    const first = this.milestoneLines.get(id);
    if (first !== undefined) {
      this.error(`duplicate milestone ${id} (first at line ${first})`, line, 'milestone numbers must be unique');
      return;
    }
    const title = (rawTitle ?? '').trim();
    if (title === '') {
      this.error(`milestone ${id} has no title`, line, `write it as '### Milestone ${id}: Title'`);
      return;
    }
    this.milestoneLines.set(id, line);
    this.milestone = { id, phaseId: phase.id, title, features: [], successMetrics: [], line };
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

function isMetricsLabel(text: string): boolean {
  return /^success\s+metrics?:?$/i.test(text.trim());
}

// What a roadmap heading says once the decoration people put on it is read past: emoji (often
// mis-encoded), status marks (`✅`, `[x]`, `(done)`, `~~struck~~`), bold and inline HTML.

export interface PhaseHeading {
  readonly id: string;
  /** The title as written after the number, status marks removed; '' when there is none. */
  readonly title: string;
}

export interface MilestoneHeading {
  readonly id: string;
  readonly title: string;
  /** Written with the word "Milestone" (`### Milestone 1.1: Title`) rather than as `### 1.1 Title`. */
  readonly explicit: boolean;
}

// Emoji may precede "Phase"/"Milestone", often mis-encoded (the seed's "ðŸ“Š Phase 0", whose
// bytes read as Latin-1 letters), but no ASCII word: "(moved to phase 3)" is not a phase heading.
// A section number may come first too: "## 2. Phase 2: Build".
const PHASE = /^(?:\d+[.)]?\s+)?(?:[^A-Za-z0-9]*[^\p{L}\p{N}])?Phase\s+(\d+)(?=$|[^\p{L}\p{N}.]|\.(?!\d))(.*)$/iu;
const MILESTONE = /^(?:[^A-Za-z0-9]*[^\p{L}\p{N}])?Milestone\s+(\d+(?:\.\d+)*)(?=$|[^\p{L}\p{N}.]|\.(?!\d))(.*)$/iu;
const NUMBERED = /^(?:[^A-Za-z0-9]*[^\p{L}\p{N}])?(\d+\.\d+)(?=$|[^\p{L}\p{N}.]|\.(?!\d))(.*)$/u;
/** Words that suggest a heading was meant as a step of a plan, for the "nearest candidate" hint. */
const CANDIDATE = /\b(?:phases?|milestones?|stages?|steps?|sprints?|iterations?|releases?|epics?|quarters?|q[1-4]|m\d+|v\d+(?:\.\d+)*|weeks?|months?|parts?)\b|^\s*\d+(?:\.\d+)*[.)]?\s/iu;

const PICTOGRAPH = /\p{Extended_Pictographic}|\p{So}|\u200D|\uFE0E|\uFE0F/gu;
// An emoji's UTF-8 bytes read as Windows-1252 ("âœ…" for ✅, "ðŸš€" for 🚀): how the seed's emoji arrived.
const MOJIBAKE_EMOJI = /[\u00e2\u00f0][\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{1,3}/gu;
const CHECKBOX = /\[[ xX~/-]\]/g;
const STATUS_WORDS = 'done|complete|completed|finished|shipped|released|in[ -]progress|wip|ongoing|current|active|planned|todo|to do|next|later|future|blocked|deferred|not started|started';
const STATUS_PAREN = new RegExp(`\\(\\s*(?:${STATUS_WORDS}|\\d+\\s*/\\s*\\d+[^()]*)\\s*\\)|\\[\\s*(?:${STATUS_WORDS})\\s*\\]`, 'giu');
const TRAILING_STATUS = new RegExp(`\\s*(?:[-\u2013\u2014:|]\\s*)(?:${STATUS_WORDS})\\b[^\\p{L}]*(?:\\d[\\d-]*)?\\s*$`, 'iu');
const LEADING_SEPARATORS = /^[\s:.)|\u2013\u2014-]+/;

/** The heading's words: HTML tags, emphasis, strikethrough, code marks and checkboxes removed. */
function plainHeading(text: string): string {
  return text
    // A keycap emoji ("1️⃣") is its digit.
    .replace(/([0-9])\uFE0F?\u20E3/gu, '$1')
    .replace(/<[^>]*>/g, ' ')
    .replace(/~~|\*\*|__|`/g, '')
    .replace(/^[*_]+|[*_]+$/g, '')
    .replace(CHECKBOX, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function parsePhaseHeading(text: string): PhaseHeading | undefined {
  const match = PHASE.exec(plainHeading(text));
  if (match?.[1] === undefined) return undefined;
  return { id: match[1], title: cleanTitle(match[2] ?? '') };
}

export function parseMilestoneHeading(text: string): MilestoneHeading | undefined {
  const plain = plainHeading(text);
  const explicit = MILESTONE.exec(plain);
  if (explicit?.[1] !== undefined) return { id: explicit[1], title: cleanTitle(explicit[2] ?? ''), explicit: true };
  const numbered = NUMBERED.exec(withoutStatus(plain).replace(LEADING_SEPARATORS, ''));
  if (numbered?.[1] === undefined) return undefined;
  return { id: numbered[1], title: cleanTitle(numbered[2] ?? ''), explicit: false };
}

/** `Phase 1.5: x`, `Phase 2a`: a phase heading whose number Orch cannot use. */
export function namesUnnumberedPhase(text: string): boolean {
  return /^[^A-Za-z0-9]*Phase\s*\d/iu.test(plainHeading(text));
}

/** A heading that reads like a step of a plan although Orch cannot use it as one. */
export function isCandidateHeading(text: string): boolean {
  return CANDIDATE.test(plainHeading(text));
}

function cleanTitle(rest: string): string {
  let title = withoutStatus(rest).replace(LEADING_SEPARATORS, '');
  for (let previous = ''; previous !== title; ) {
    previous = title;
    title = title.replace(TRAILING_STATUS, '').replace(/\s*[:\u2013\u2014-]\s*$/, '').trim();
  }
  return title;
}

function withoutStatus(text: string): string {
  return text.replace(MOJIBAKE_EMOJI, ' ').replace(PICTOGRAPH, ' ').replace(STATUS_PAREN, ' ').replace(/\s+/g, ' ').trim();
}

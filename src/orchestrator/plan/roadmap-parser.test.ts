import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputErrors } from '../errors';
import { parseRoadmap } from './roadmap-parser';

const SEED_FIXTURE = join(__dirname, '../../../test/fixtures/roadmaps/seed-roadmap.md');
const SHARED_SEED = join(__dirname, '../../../../shared/seed/ORCHESTRATION_ROADMAP.md');

const SEED_MILESTONES = [
  '0.1', '0.2', '0.3', '0.4', '1.1', '1.2', '1.3', '2.1', '2.2', '2.3', '3.1', '3.2', '3.3', '4.1', '4.2', '4.3',
];

function errorsOf(text: string, file = 'road.md'): string[] {
  try {
    parseRoadmap(text, file);
  } catch (error) {
    assert.ok(error instanceof InputErrors, `expected InputErrors, got ${String(error)}`);
    return error.errors.map((e) => e.format());
  }
  assert.fail('expected the roadmap to be rejected');
}

function checkSeed(text: string, file: string): void {
  const roadmap = parseRoadmap(text, file);
  assert.equal(roadmap.title, 'ORCHESTRATION SYSTEM ROADMAP');
  assert.deepEqual(
    roadmap.phases.map((p) => [p.id, p.title, p.duration]),
    [
      ['0', 'Core Foundation', 'Weeks 1-4'],
      ['1', 'Dynamic Agent Management', 'Weeks 5-8'],
      ['2', 'Verification & Testing', 'Weeks 9-12'],
      ['3', 'Intelligence & Learning', 'Weeks 13-16'],
      ['4', 'Scale & Performance', 'Weeks 17-20'],
    ],
  );
  const milestones = roadmap.phases.flatMap((p) => p.milestones);
  assert.deepEqual(milestones.map((m) => m.id), SEED_MILESTONES);
  for (const m of milestones) {
    assert.equal(m.phaseId, m.id.split('.')[0]);
    assert.ok(m.duration !== undefined && m.focus !== undefined, `milestone ${m.id} lacks duration or focus`);
    assert.ok(m.features.length >= 4 && m.successMetrics.length >= 3, `milestone ${m.id} lost bullets`);
    assert.deepEqual(m.prds, []);
  }
}

describe('parseRoadmap on the seed roadmap', () => {
  const text = readFileSync(SEED_FIXTURE, 'utf8');

  it('finds exactly 5 phases and the 16 milestones 0.1..4.3, ignoring code fences and later sections', () => {
    checkSeed(text, 'seed.md');
  });

  it('keeps titles, durations, focus and source lines', () => {
    const milestones = parseRoadmap(text, 'seed.md').phases.flatMap((p) => p.milestones);
    const byId = new Map(milestones.map((m) => [m.id, m]));
    assert.equal(byId.get('0.1')?.title, 'Claude Code Integration Layer');
    assert.equal(byId.get('0.2')?.title, 'HTML Reporting Dashboard');
    assert.equal(byId.get('2.3')?.title, 'Bug & Defect Resolution System');
    assert.equal(byId.get('4.3')?.title, 'Enterprise Features');
    assert.equal(byId.get('1.1')?.duration, '2 weeks');
    assert.equal(byId.get('1.2')?.duration, '1 week');
    assert.equal(byId.get('2.1')?.focus, 'Playwright integration for REAL testing');
    assert.deepEqual(byId.get('0.1')?.source, { file: 'seed.md', line: 51 });
    assert.deepEqual(byId.get('4.3')?.source, { file: 'seed.md', line: 605 });
  });

  it('collects bullets under every bold sub-heading as features and the metrics apart', () => {
    const milestones = parseRoadmap(text, 'seed.md').phases.flatMap((p) => p.milestones);
    const byId = new Map(milestones.map((m) => [m.id, m]));
    assert.deepEqual(byId.get('0.1')?.features, [
      'Task tool integration for sub-agent spawning',
      'Context management within Claude Code limits',
      'CLAUDE.md preference integration',
      'Tool call batching and optimization',
      'Session state persistence',
    ]);
    assert.deepEqual(byId.get('0.1')?.successMetrics, [
      'Sub-agent spawn time < 2 seconds',
      'Context usage optimized by 40%',
      'Tool call reduction by 50%',
    ]);
    // 4.1 has two groups: "Optimization Areas" and "Implementation".
    assert.equal(byId.get('4.1')?.features.length, 10);
    assert.equal(byId.get('4.1')?.features[0], 'Token usage reduction (70% target)');
    assert.equal(byId.get('4.1')?.features[9], 'Dashboard performance metrics');
    assert.equal(byId.get('4.1')?.successMetrics.length, 4);
    assert.equal(byId.get('1.3')?.features.length, 4);
    assert.equal(byId.get('2.2')?.successMetrics.at(-1), 'Real-time dashboard updates');
  });

  it('reads ../shared/seed/ORCHESTRATION_ROADMAP.md the same way when it is present', function () {
    if (!existsSync(SHARED_SEED)) this.skip();
    checkSeed(readFileSync(SHARED_SEED, 'utf8'), SHARED_SEED);
  });

  it('reads the seed the same with CRLF line endings and a byte-order mark', () => {
    const crlf = `\uFEFF${text.replace(/\n/g, '\r\n')}`;
    const a = parseRoadmap(text, 'seed.md');
    const b = parseRoadmap(crlf, 'seed.md');
    assert.deepEqual(b, a);
  });
});

describe('parseRoadmap on tricky inputs', () => {
  it('ignores headings inside code fences (backticks, tildes, longer fences) and HTML comments', () => {
    const roadmap = parseRoadmap(
      [
        '# Plan',
        '## Phase 1: Real',
        '### Milestone 1.1: First',
        '````md',
        '```',
        '## Phase 9: Fake',
        '```',
        '### Milestone 9.1: Fake',
        '````',
        '~~~',
        '### Milestone 1.9: Fake too',
        '~~~',
        '<!--',
        '### Milestone 1.8: Commented out',
        '-->',
        '- a real feature',
      ].join('\n'),
      'road.md',
    );
    assert.deepEqual(roadmap.phases.map((p) => p.id), ['1']);
    assert.deepEqual(roadmap.phases[0]?.milestones.map((m) => [m.id, m.features]), [['1.1', ['a real feature']]]);
  });

  it('ends a phase at a `##` heading that is not a phase, and a milestone at a non-milestone `###`', () => {
    const roadmap = parseRoadmap(
      [
        '## Phase 1: Build',
        '### Milestone 1.1: One',
        '- feature one',
        '### Notes',
        '- not a feature',
        '### Milestone 1.2: Two',
        '**Success Metrics:**',
        '- fast',
        '## Appendix',
        '- not a feature either',
        '### Month 1: Foundation',
      ].join('\n'),
      'road.md',
    );
    const [m1, m2] = roadmap.phases[0]?.milestones ?? [];
    assert.deepEqual(m1?.features, ['feature one']);
    assert.deepEqual(m2?.features, []);
    assert.deepEqual(m2?.successMetrics, ['fast']);
    assert.equal(roadmap.title, '');
  });

  it('accepts "Phase N - Title", any prefix before "Phase", nested bullets and continuation lines', () => {
    const roadmap = parseRoadmap(
      [
        '## 🚀 Phase 2 - Ship it (Months 1-2)',
        '### ✅ Milestone 2.1 – Release',
        '**Duration**: 3 days',
        '- **Focus:** packaging',
        '#### Deliverables',
        '* Installer',
        '  * Linux',
        '  * macOS',
        '1. A long item',
        '   that wraps',
        '- **Signed**: with a real key',
        '#### Success Metrics',
        '+ zero failed installs',
      ].join('\n'),
      'road.md',
    );
    const phase = roadmap.phases[0];
    assert.deepEqual([phase?.id, phase?.title, phase?.duration], ['2', 'Ship it', 'Months 1-2']);
    const m = phase?.milestones[0];
    assert.deepEqual([m?.id, m?.title, m?.duration, m?.focus], ['2.1', 'Release', '3 days', 'packaging']);
    assert.deepEqual(m?.features, [
      'Installer',
      'Installer > Linux',
      'Installer > macOS',
      'A long item that wraps',
      '**Signed**: with a real key',
    ]);
    assert.deepEqual(m?.successMetrics, ['zero failed installs']);
  });

  it('keeps a parenthesis that is not a time span in the title', () => {
    const roadmap = parseRoadmap('## Phase 1: Beta (public)\n### Milestone 1.1: A\n', 'r.md');
    assert.equal(roadmap.phases[0]?.title, 'Beta (public)');
    assert.equal(roadmap.phases[0]?.duration, undefined);
  });

  it('rejects a milestone numbered for another phase, with its line', () => {
    assert.deepEqual(errorsOf('## Phase 1: A\n\n### Milestone 1.1: ok\n### Milestone 2.1: Wrong\n'), [
      "road.md:4: milestone 2.1 is under phase 1 (line 1) (its number must start with '1.')",
    ]);
  });

  it('rejects duplicate milestone ids, naming both lines', () => {
    assert.deepEqual(errorsOf('## Phase 1: A\n### Milestone 1.1: x\n### Milestone 1.1: y\n'), [
      'road.md:3: duplicate milestone 1.1 (first at line 2) (milestone numbers must be unique)',
    ]);
  });

  it('rejects a milestone before any phase and one under a section that is not a phase', () => {
    const errors = errorsOf(
      '# T\n### Milestone 0.1: Early\n## Phase 0: A\n### Milestone 0.2: ok\n## Appendix\n### Milestone 0.3: Stray\n',
    );
    assert.equal(errors.length, 2);
    assert.match(errors[0] ?? '', /^road\.md:2: milestone 0\.1 is before any phase/);
    assert.match(errors[1] ?? '', /^road\.md:6: milestone 0\.3 is under '## Appendix' \(line 5\), which is not a phase/);
  });

  it('rejects a file with no phases, naming the file', () => {
    const errors = errorsOf('# Just notes\n\n```\n## Phase 1: in a fence\n```\n', 'notes.md');
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /^notes\.md: no phases found/);
  });

  it('rejects malformed headings and duplicate phases, all in one pass', () => {
    // Line 1, a phase without a title, is read as "Phase 1" (see the real-world shapes below).
    assert.deepEqual(
      errorsOf('## Phase 1\n### Milestone 1: x\n## Phase 2: B\n### Milestone 2.1\n## Phase 2: again\n### Milestone 2.2: fine\n')
        .map((e) => e.split(': ')[0]),
      ['road.md:2', 'road.md:4', 'road.md:5'],
    );
  });

  it('reports lines counted the same with CRLF endings', () => {
    assert.deepEqual(errorsOf('## Phase 1: A\r\n\r\n### Milestone 3.1: x\r\n').map((e) => e.slice(0, 10)), ['road.md:3:']);
  });
});

describe('parseRoadmap on real-world roadmap shapes (test/fixtures/roadmaps)', () => {
  const fixture = (name: string) => {
    const file = join(__dirname, '../../../test/fixtures/roadmaps', name);
    return parseRoadmap(readFileSync(file, 'utf8'), name);
  };
  const shape = (name: string) => {
    const roadmap = fixture(name);
    return {
      phases: roadmap.phases.map((p) => `${p.id} ${p.title}`),
      milestones: roadmap.phases.flatMap((p) => p.milestones.map((m) => m.id)),
      warnings: (roadmap.warnings ?? []).map((w) => `${w.line}: ${w.message}`),
    };
  };
  const fixtureErrors = (name: string) => errorsOf(readFileSync(join(__dirname, '../../../test/fixtures/roadmaps', name), 'utf8'), name);

  it('reads `### 1.1 Title` milestones without the word Milestone: 5 phases, 25 milestones', () => {
    const read = shape('numbered-milestones.md');
    assert.deepEqual(read.phases, ['1 Foundations', '2 Monitoring', '3 Notifications', '4 Teams', '5 Scale']);
    assert.equal(read.milestones.length, 25);
    assert.deepEqual(read.milestones.slice(0, 6), ['1.1', '1.2', '1.3', '1.4', '1.5', '2.1']);
    assert.deepEqual(read.warnings, []);
    const skeleton = fixture('numbered-milestones.md').phases[0]?.milestones[0];
    assert.deepEqual([skeleton?.title, skeleton?.features], ['Project skeleton', ['Monorepo with the server and the web app', 'CI running lint and tests']]);
  });

  it('reads `## Phase 1` without a title as the phase "Phase 1"', () => {
    const read = shape('untitled-phases.md');
    assert.deepEqual(read.phases, ['1 Phase 1', '2 Phase 2']);
    assert.deepEqual(read.milestones, ['1.1', '1.2', '1.3', '2.1', '2.2']);
  });

  it('reads phases one level down (`### Phase N:` under `## Milestone: v1.0`) with `#### N.M` milestones', () => {
    const read = shape('phases-one-level-down.md');
    assert.deepEqual(read.phases, ['1 Data model', '2 Editor', '3 Sync']);
    assert.deepEqual(read.milestones, ['1.1', '1.2', '2.1', '2.2', '2.3', '3.1', '3.2']);
    assert.deepEqual(read.warnings, []);
  });

  it('reads past emoji and status marks (✅, [x], (done), ~~struck~~) in phase and milestone headings', () => {
    const read = shape('emoji-status.md');
    assert.deepEqual(read.phases, ['0 Bootstrap', '1 Core widgets', '2 Layout', '3 Complex widgets', '4 Native mobile']);
    assert.deepEqual(read.milestones, ['0.1', '0.2', '1.1', '1.2', '1.3', '2.1', '2.2', '3.1', '3.2', '4.1']);
    const titles = fixture('emoji-status.md').phases.flatMap((p) => p.milestones.map((m) => m.title));
    assert.deepEqual(titles.slice(0, 5), ['Repository and CI', 'Design tokens', 'Buttons', 'Inputs', 'Date picker (moved to phase 3)']);
    assert.deepEqual(read.warnings, []);
  });

  it('reads phases named by a <summary> and the headings and bullets inside <details>', () => {
    const read = shape('details-blocks.md');
    assert.deepEqual(read.phases, ['1 Foundation', '2 Habits', '3 Sharing']);
    assert.deepEqual(read.milestones, ['1.1', '1.2', '2.1', '2.2', '3.1', '3.2', '3.3']);
    const friends = fixture('details-blocks.md').phases[2]?.milestones[2];
    assert.deepEqual(friends?.features, ["Follow a friend's public counters", 'Mute without unfollowing']);
    assert.deepEqual(read.warnings, []);
  });

  it('ignores headings inside fenced code blocks (a template in the roadmap)', () => {
    const read = shape('fenced-headings.md');
    assert.deepEqual(read.phases, ['1 Message queue', '2 Delivery']);
    assert.deepEqual(read.milestones, ['1.1', '1.2', '2.1', '2.2']);
  });

  it('warns with file and line about each heading it cannot place, and a phase with no milestones', () => {
    const read = shape('unplaced-headings.md');
    assert.deepEqual(read.milestones, ['1.1', '1.2', '2.1']);
    assert.deepEqual(read.warnings, [
      "5: '### 1.1 Purpose' reads like milestone 1.1 but is before any phase; it is not read as one",
      "13: '#### Phase 2 preparation' reads like phase 2, but the phases here are '##' headings; it is not read as one",
      "16: '### 2.1 Exports' is numbered for phase 2 but is under phase 1 (line 8); it is not read as a milestone",
      "27: phase 3 'Collaboration' has no milestones, so nothing in it will run",
      "31: '## Phase 3.5: Stretch goals' names a phase Orch cannot number; it is not read as one (write it as '## Phase N: Title' with a whole number N)",
    ]);
    assert.equal(fixture('unplaced-headings.md').warnings?.[0]?.file, 'unplaced-headings.md');
  });

  it('refuses phases without a single milestone, at the first phase, saying what shape it expected', () => {
    const errors = fixtureErrors('phases-without-milestones.md');
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /^phases-without-milestones\.md:5: no milestones: none of the 3 phases has a milestone heading \(under each phase write milestones as '### 1\.1 Title' or '### Milestone 1\.1: Title'/);
    assert.match(errorsOf('## Phase 1: Only\n\n### Goal\n- ship\n')[0] ?? '', /^road\.md:1: no milestones: phase 1 has no milestone heading; the first heading under it is '### Goal' \(line 3\)/);
  });

  it('names the nearest candidate heading when it finds no phase at all', () => {
    const [error] = fixtureErrors('no-structure.md');
    assert.match(error ?? '', /^no-structure\.md:9: no phases found; the nearest candidate is '## Stage 1: Discovery' \(Orch reads phases as '## Phase 1: Title'/);
  });

  it('reads the seed with no warnings', () => {
    assert.equal(parseRoadmap(readFileSync(SEED_FIXTURE, 'utf8'), 'seed.md').warnings, undefined);
  });
});

describe('parseRoadmap on where the phases are', () => {
  it('takes the level most phase headings use, warning of a phase heading at another level', () => {
    const roadmap = parseRoadmap('## Roadmap\n### Phase 1: A\n#### 1.1 One\n### Phase 2: B\n#### 2.1 Two\n## Phase 1 retrospective\n', 'road.md');
    assert.deepEqual(roadmap.phases.map((p) => [p.id, p.milestones.map((m) => m.id)]), [['1', ['1.1']], ['2', ['2.1']]]);
    assert.deepEqual(roadmap.warnings?.map((w) => w.line), [6]);
  });
});

describe('parseRoadmap on <details> sections', () => {
  it('reads a summary styled as a heading, a summary over several lines, and a plain fold inside a milestone', () => {
    const roadmap = parseRoadmap(
      [
        '# Plan',
        '## Phase 1: Live',
        '### 1.1 Visible',
        '- shown',
        '<details>',
        '<summary>Notes</summary>',
        '',
        '- folded bullet of 1.1',
        '</details>',
        '<details><summary><h3>✅ Phase 2: Done — shipped</h3></summary>',
        '',
        '### 2.1 Old work',
        '- done item',
        '</details>',
        '<details>',
        '<summary>',
        '  <b>Phase 3: Later</b>',
        '</summary>',
        '',
        '### 3.1 Someday',
        '</details>',
      ].join('\n'),
      'road.md',
    );
    assert.deepEqual(roadmap.phases.map((p) => [p.id, p.title, p.source.line]), [['1', 'Live', 2], ['2', 'Done', 10], ['3', 'Later', 16]]);
    assert.deepEqual(roadmap.phases.flatMap((p) => p.milestones.map((m) => [m.id, m.features])), [
      ['1.1', ['shown', 'folded bullet of 1.1']],
      ['2.1', ['done item']],
      ['3.1', []],
    ]);
    assert.equal(roadmap.warnings, undefined);
  });

  it('ends a summary left open at the next blank line', () => {
    const roadmap = parseRoadmap('<details><summary>Phase 1: Open\n\n### 1.1 Still read\n- item\n', 'road.md');
    assert.deepEqual(roadmap.phases.map((p) => [p.title, p.milestones.map((m) => m.features)]), [['Open', [['item']]]]);
  });
});

import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { InputError, InputErrors } from '../errors';
import { loadPlan } from './load-plan';

const ROADMAP = `# Demo
## Phase 1: Build
### Milestone 1.1: First
- a feature
### Milestone 1.2: Second
## Phase 2: Ship
### Milestone 2.1: Third
`;

function prdText(id: string, milestone: string, tasks = '  - { id: T1, title: a, description: b }'): string {
  return `---\nid: ${id}\nmilestone: "${milestone}"\ntitle: ${id} title\ntasks:\n${tasks}\n---\nBody of ${id}.\n`;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

describe('loadPlan', () => {
  let dir: string;
  let roadmapFile: string;
  const write = (rel: string, text: string): string => {
    const file = join(dir, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    return file;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'orch-plan-'));
    roadmapFile = write('plans/roadmap.md', ROADMAP);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('attaches PRDs from .orch/prds and from prds/ beside the roadmap to their milestones', async () => {
    write('.orch/prds/b.md', prdText('PRD-2', '1.1'));
    write('plans/prds/a.md', prdText('PRD-3', '2.1'));
    write('plans/prds/notes.txt', 'not a PRD');
    write('.orch/prds/a.md', prdText('PRD-1', '1.1', '  - { id: T1, title: a, description: b }\n  - { id: T2, title: c, description: d, depends: [T1] }'));
    const plan = await loadPlan({ roadmapFile, workspaceDir: dir });
    const prdsOf = (id: string) => plan.phases.flatMap((p) => p.milestones).find((m) => m.id === id)?.prds.map((p) => p.id);
    assert.deepEqual(prdsOf('1.1'), ['PRD-1', 'PRD-2']);
    assert.deepEqual(prdsOf('1.2'), []);
    assert.deepEqual(prdsOf('2.1'), ['PRD-3']);
    const prd1 = plan.phases[0]?.milestones[0]?.prds[0];
    assert.equal(prd1?.body, 'Body of PRD-1.');
    assert.deepEqual(prd1?.tasks.map((t) => [t.id, t.depends]), [['T1', []], ['T2', ['T1']]]);
    assert.deepEqual(prd1?.source, { file: join(dir, '.orch/prds/a.md'), line: 2 });
    assert.deepEqual(plan.phases[0]?.milestones[0]?.features, ['a feature']);
  });

  it('reads a folder once when the roadmap sits in the workspace .orch folder', async () => {
    const inside = write('.orch/roadmap.md', ROADMAP);
    write('.orch/prds/a.md', prdText('PRD-1', '1.1'));
    const plan = await loadPlan({ roadmapFile: inside, workspaceDir: dir });
    assert.deepEqual(plan.phases[0]?.milestones[0]?.prds.map((p) => p.id), ['PRD-1']);
  });

  it('reports problems of every file at once: duplicate PRD ids across files and unknown milestones', async () => {
    const first = write('.orch/prds/a.md', prdText('PRD-1', '1.1'));
    const second = write('plans/prds/b.md', prdText('PRD-1', '1.2'));
    const third = write('plans/prds/c.md', prdText('PRD-9', '7.7'));
    const fourth = write('plans/prds/d.md', '---\nid: PRD-4\nmilestone: "1.1\n---\n');
    const error = await rejection(loadPlan({ roadmapFile, workspaceDir: dir }));
    assert.ok(error instanceof InputErrors);
    assert.deepEqual(
      error.errors.map((e) => [e.file, e.line]),
      [
        [fourth, 3],
        [second, 2],
        [third, 3],
      ],
    );
    assert.match(error.errors[1]?.message ?? '', new RegExp(`duplicate PRD id 'PRD-1' \\(first in ${first.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2\\)`));
    assert.equal(error.errors[2]?.message, "PRD-9: unknown milestone '7.7'");
    assert.equal(error.errors[2]?.hint, "the roadmap's milestones: 1.1, 1.2, 2.1");
  });

  it('checks task phases against the phases it is given', async () => {
    write('.orch/prds/a.md', prdText('PRD-1', '1.1', '  - { id: T1, title: a, description: b, phase: design }'));
    await loadPlan({ roadmapFile, workspaceDir: dir, phases: ['design', 'build'] });
    const error = await rejection(loadPlan({ roadmapFile, workspaceDir: dir }));
    assert.ok(error instanceof InputErrors);
    assert.equal(error.errors[0]?.message, "task T1: unknown phase 'design'");
  });

  it('names the path of a roadmap that does not exist', async () => {
    const missing = join(dir, 'nope.md');
    const error = await rejection(loadPlan({ roadmapFile: missing, workspaceDir: dir }));
    assert.ok(error instanceof InputError);
    assert.equal(error.format(), `${missing}: roadmap file not found (pass the path of a Markdown roadmap)`);
  });

  it('reports roadmap errors without reading PRDs', async () => {
    const bad = write('bad.md', '## Phase 1: A\n### Milestone 2.1: B\n');
    write('prds/a.md', 'not even frontmatter');
    const error = await rejection(loadPlan({ roadmapFile: bad, workspaceDir: dir }));
    assert.ok(error instanceof InputErrors);
    assert.deepEqual(error.errors.map((e) => [e.file, e.line]), [[bad, 2]]);
  });
});

import assert from 'node:assert/strict';
import { checkRoadmap } from './infer-roadmap';

describe('checkRoadmap (submit_roadmap)', () => {
  it("renders a submission as Orch's roadmap Markdown and parses it back", () => {
    const checked = checkRoadmap(
      { title: 'Shop', phases: [{ title: 'Basics', milestones: [{ title: 'Orders', duration: '2 weeks', focus: 'the\norders page', features: ['A table'], successMetrics: ['Totals match'] }] }] },
      'free.md',
    );
    assert.ok(typeof checked !== 'string', typeof checked === 'string' ? checked : undefined);
    assert.equal(checked.markdown, '# Shop\n\n## Phase 1: Basics\n\n### Milestone 1.1: Orders\n**Duration:** 2 weeks\n**Focus:** the orders page\n- A table\n\n**Success Metrics:**\n- Totals match\n');
    const milestone = checked.roadmap.phases[0]?.milestones[0];
    assert.deepEqual([milestone?.id, milestone?.focus, milestone?.features, milestone?.successMetrics], ['1.1', 'the orders page', ['A table'], ['Totals match']]);
  });

  it('lists every problem by its place in the submission', () => {
    const checked = checkRoadmap({ phases: [{ title: '', milestones: [{ title: 'x', features: 'not a list' }] }, { title: 'B' }] }, 'free.md');
    assert.equal(checked, ['- phases[0].title must be a non-empty string', '- phases[0].milestones[0].features must be a list of strings', '- phases[1].milestones must be a non-empty list'].join('\n'));
    assert.equal(checkRoadmap([], 'free.md'), '- the roadmap must be an object {title, phases}');
  });
});

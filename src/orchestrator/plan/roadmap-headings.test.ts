import { strict as assert } from 'node:assert';
import { isCandidateHeading, parseMilestoneHeading, parsePhaseHeading } from './roadmap-headings';

describe('roadmap headings', () => {
  it('reads a phase number and title past emoji, checkboxes, bold, strikethrough and status words', () => {
    const cases: [string, string, string][] = [
      ['ðŸ“Š Phase 0: Core Foundation (Weeks 1-4)', '0', 'Core Foundation (Weeks 1-4)'],
      ['Phase 1', '1', ''],
      ['Phase 1 ✅ — Setup', '1', 'Setup'],
      ['🚀 Phase 3: Launch 🎉', '3', 'Launch'],
      ['[x] Phase 2: Build (done)', '2', 'Build'],
      ['~~Phase 4: Old plan~~', '4', 'Old plan'],
      ['Phase 1: Foundation (3/3 plans) — completed', '1', 'Foundation'],
      ['**Phase 4**: Polish', '4', 'Polish'],
      ['Phase 5 - Complete rewrite', '5', 'Complete rewrite'],
      ['Phase 6: Beta (public)', '6', 'Beta (public)'],
      ['PHASE 7 — Ship', '7', 'Ship'],
      ['Phase 8: Launch ðŸš€ âœ…', '8', 'Launch'],
      ['Phase 1️⃣: Keycap', '1', 'Keycap'],
      ['2️⃣ Phase 2 - Keycap first', '2', 'Keycap first'],
      ['3. Phase 3: Numbered section', '3', 'Numbered section'],
      ['Phase 4: Setup [COMPLETED]', '4', 'Setup'],
      ['Phase 5 (✅ Complete): Setup', '5', 'Setup'],
      ['Phase 9: Château âge', '9', 'Château âge'],
    ];
    for (const [text, id, title] of cases) assert.deepEqual(parsePhaseHeading(text), { id, title }, text);
  });

  it('is not fooled by a phase mentioned in passing or numbered in a way Orch cannot use', () => {
    for (const text of ['Post-Phase 1 Review', '1.3 Date picker (moved to phase 3)', 'Phase 1.5: Hotfix', 'Phase 2a: Spike', 'Phase Details', 'Phases']) {
      assert.equal(parsePhaseHeading(text), undefined, text);
    }
  });

  it('reads milestones written with the word Milestone or as a bare N.M number', () => {
    assert.deepEqual(parseMilestoneHeading('Milestone 0.1: Claude Code Integration Layer'), { id: '0.1', title: 'Claude Code Integration Layer', explicit: true });
    assert.deepEqual(parseMilestoneHeading('✅ Milestone 2.1 – Release'), { id: '2.1', title: 'Release', explicit: true });
    assert.deepEqual(parseMilestoneHeading('1.2: Auth ✅'), { id: '1.2', title: 'Auth', explicit: false });
    assert.deepEqual(parseMilestoneHeading('✅ 1.3. Deploy (done)'), { id: '1.3', title: 'Deploy', explicit: false });
    assert.deepEqual(parseMilestoneHeading('[x] 10.12 — Ten'), { id: '10.12', title: 'Ten', explicit: false });
    assert.deepEqual(parseMilestoneHeading('**1.1)** Setup'), { id: '1.1', title: 'Setup', explicit: false });
    assert.deepEqual(parseMilestoneHeading('âœ… 1.4 Mis-encoded check mark'), { id: '1.4', title: 'Mis-encoded check mark', explicit: false });
    for (const text of ['1.1.1 Sub-step', '1.0.0 Release', '1.1Setup', 'Month 1: Foundation', 'v1.2 Sync']) assert.equal(parseMilestoneHeading(text), undefined, text);
  });

  it('tells headings that read like plan steps from ordinary sections', () => {
    for (const text of ['Stage 1: Discovery', 'M0 — Walking skeleton', 'v1.0 — Launch', '1. Introduction', 'Sprint 3']) assert.ok(isCandidateHeading(text), text);
    for (const text of ['Background', 'Overview', 'Contributing']) assert.ok(!isCandidateHeading(text), text);
  });
});

import assert from 'node:assert/strict';
import { reportActivity } from './mcp-reports';

describe("reports from Orch's MCP server", () => {
  it('turns report_no_change into the no-change evidence verification reads', () => {
    assert.deepEqual(reportActivity(JSON.stringify({ tool: 'report_no_change', reason: 'already documented', at: 'now' })), {
      kind: 'evidence',
      evidenceKind: 'no-change',
      value: 'already documented',
    });
  });

  it('says what it could not read', () => {
    assert.match(String(reportActivity('{"tool":"report_no_change"}')), /^unexpected report/);
    assert.match(String(reportActivity('nope')), /^unreadable report/);
  });
});

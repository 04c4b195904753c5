import { textReply } from '../../src/scripted-model/reply';
import { useTool, writeTool, type Scenario } from '../../src/scripted-model/scenarios';

export const ASK_PERSON_QUESTION = 'Which port should the API listen on?';

/** A PRD of one task whose check needs the port the person gives (4321). */
export function askPersonPrd(id: string): string {
  return `---
id: ${id}
milestone: "1.1"
title: Ask the person
tasks:
  - id: T1
    title: Configure the port
    description: Ask which port to use, then write it to port.txt.
    agent: backend-engineer
    verify:
      - command: grep -q 4321 port.txt
---
`;
}

/** The agent asks the person, then writes whatever the answer says into port.txt. */
export const askPersonScenario: Scenario = (request, context) => {
  const results = request.messages.flatMap((m) => m.toolResults);
  const answer = results.find((r) => r.text.includes('The person answered'));
  if (answer === undefined) return useTool('mcp__orch__ask_person', { question: ASK_PERSON_QUESTION })(request, context);
  if (!results.some((r) => r.text.includes('port.txt'))) return writeTool('port.txt', `${answer.text}\n`)(request, context);
  return textReply('Wrote port.txt.');
};

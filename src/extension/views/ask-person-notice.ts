import * as vscode from 'vscode';
import { dropAnswer } from '../../orchestrator/messaging/answer-drop';
import type { WorkspacePaths } from '../../orchestrator/workspace/workspace-paths';
import type { RunSnapshot } from '../../protocol/run-snapshot';
import { newQuestions, type OpenQuestion } from '../model/open-questions';

/** An agent's question (ask_person) as a notification with an answer box; the answer goes to the run as `orch answer` sends it. */
export function askPersonNotices(session: { readonly onDidChange: vscode.Event<void>; readonly run: RunSnapshot | undefined }, paths: WorkspacePaths): vscode.Disposable {
  let seen = session.run;
  return session.onDidChange(() => {
    const now = session.run;
    const asked = newQuestions(seen, now);
    seen = now;
    for (const q of asked) void ask(q, paths);
  });
}

async function ask(q: OpenQuestion, paths: WorkspacePaths): Promise<void> {
  const action = await vscode.window.showInformationMessage(`Orch: ${q.taskId} asks: ${q.question}`, 'Answer');
  if (action !== 'Answer') return;
  const text = await vscode.window.showInputBox({ title: `Answer ${q.taskId}`, prompt: q.question, ignoreFocusOut: true, validateInput: (v) => (v.trim() === '' ? 'The answer is empty' : undefined) });
  if (text === undefined) return;
  await dropAnswer(paths.runDir(q.runId), { taskId: q.taskId, text });
  void vscode.window.showInformationMessage(`Orch: answer sent to ${q.taskId}`);
}

// Task ids are unique only inside their PRD (every PRD may have a T1), so the run refers to a
// task by `PRD-3/T2` and to an attempt by `PRD-3/T2#1`. Views show the short parts.

export function qualifiedTaskId(prdId: string, taskId: string): string {
  return `${prdId}/${taskId}`;
}

export function attemptId(qualifiedTask: string, n: number): string {
  return `${qualifiedTask}#${n}`;
}

export function splitTaskId(qualified: string): { readonly prdId: string; readonly taskId: string } {
  const slash = qualified.lastIndexOf('/');
  return slash < 0
    ? { prdId: '', taskId: qualified }
    : { prdId: qualified.slice(0, slash), taskId: qualified.slice(slash + 1) };
}

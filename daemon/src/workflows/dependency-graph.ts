/**
 * Dependency cycles, pure. `dependsOn` maps a task id to the ids it depends on (one workflow's tasks).
 */

/**
 * The cycle that the edge `taskId → dependsOnId` ("taskId depends on dependsOnId") would close, as
 * the path [taskId, dependsOnId, …, taskId]; undefined when the edge keeps the graph acyclic.
 */
export function cycleThrough(dependsOn: ReadonlyMap<number, readonly number[]>, taskId: number, dependsOnId: number): number[] | undefined {
  if (taskId === dependsOnId) return [taskId, taskId];
  // Depth-first from the new dependency: a path back to taskId plus the new edge is the cycle.
  const seen = new Set<number>();
  const path: number[] = [];
  const visit = (node: number): boolean => {
    if (node === taskId) return true;
    if (seen.has(node)) return false;
    seen.add(node);
    path.push(node);
    for (const next of dependsOn.get(node) ?? []) if (visit(next)) return true;
    path.pop();
    return false;
  };
  return visit(dependsOnId) ? [taskId, ...path, taskId] : undefined;
}

/** Where the Plans pane is: the list, one plan, the form for a new plan, or one workflow. */
export type PlansRoute = { kind: 'list' } | { kind: 'plan'; id: number } | { kind: 'create' } | { kind: 'workflow'; id: number };

/**
 * The pane's current place, outside its components, so commands can move it ("Create plan") and
 * ask which plan it shows ("Create note from plan").
 */
export class PlansNavigator {
  private current: PlansRoute = { kind: 'list' };
  private readonly listeners = new Set<(route: PlansRoute) => void>();

  get route(): PlansRoute {
    return this.current;
  }

  /** The plan shown, or null elsewhere (the list, the new-plan form, a workflow). */
  get shownPlanId(): number | null {
    return this.current.kind === 'plan' ? this.current.id : null;
  }

  go(route: PlansRoute): void {
    this.current = route;
    for (const listener of this.listeners) listener(route);
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: (route: PlansRoute) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

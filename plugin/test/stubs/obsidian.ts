/**
 * The few parts of Obsidian's API the unit tests touch. Kept small on purpose: anything that needs
 * more of Obsidian is tested in the browser harness (test/e2e) instead.
 */
export class Notice {
  static readonly shown: string[] = [];
  constructor(readonly message: string) {
    Notice.shown.push(message);
  }
}

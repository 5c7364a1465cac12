// ControllerExpectations (upstream controller_utils.go): after a sync creates or deletes N pods,
// the controller waits until its informer has observed them before planning again, so a stale
// cache never makes it create (or delete) the same pods twice. Expectations expire after a timeout.

/** Upstream ExpectationsTimeout is 5 minutes; svclab uses 30 s so a lost event heals faster. */
export const ExpectationsTimeoutMs = 30_000;

interface Expectation {
  adds: number;
  dels: number;
  at: number;
}

export class ControllerExpectations {
  private readonly items = new Map<string, Expectation>();

  constructor(private readonly now: () => number = Date.now) {}

  expect(key: string, adds: number, dels: number): void {
    this.items.set(key, { adds, dels, at: this.now() });
  }

  creationObserved(key: string): void {
    const e = this.items.get(key);
    if (e !== undefined) e.adds--;
  }

  deletionObserved(key: string): void {
    const e = this.items.get(key);
    if (e !== undefined) e.dels--;
  }

  /** Lowers by what a failed write will never produce. */
  lower(key: string, adds: number, dels: number): void {
    const e = this.items.get(key);
    if (e === undefined) return;
    e.adds -= adds;
    e.dels -= dels;
  }

  satisfied(key: string): boolean {
    const e = this.items.get(key);
    if (e === undefined) return true;
    return (e.adds <= 0 && e.dels <= 0) || this.now() - e.at > ExpectationsTimeoutMs;
  }

  delete(key: string): void {
    this.items.delete(key);
  }
}

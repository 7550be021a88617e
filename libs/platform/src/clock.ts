/** Injected wherever time decides behaviour (snooze, reopen window, token expiry) so tests can move it. */
export class Clock {
  private offsetMs = 0;
  now(): Date { return new Date(Date.now() + this.offsetMs); }
  advance(ms: number): void { this.offsetMs += ms; }
}

// One shared ticking "now" for relative times and waiting times (no per-row timers).
class Clock {
  now = $state(Date.now());
  constructor() {
    if (typeof window !== 'undefined') setInterval(() => { this.now = Date.now(); }, 10_000);
  }
}
export const clock = new Clock();

/** Emulator time: real time plus an offset that only moves forward, so expiries can be tested in seconds. */
export class EmulatorClock {
  #offsetMs = 0;

  nowMs(): number {
    return Date.now() + this.#offsetMs;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  iso(): string {
    return this.now().toISOString();
  }

  /** The API's `SessionTime`: Unix seconds. */
  sessionTime(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  advance(seconds: number): void {
    this.#offsetMs += Math.max(0, seconds) * 1000;
  }
}

/**
 * Emulator time: real time plus an offset. Tests move it forward, or set it to a date on either side
 * of a New York rule's effective date (setting it back is allowed: nothing here depends on time
 * never going backwards except what a test itself reads).
 */
export class EmulatorClock {
  #offsetMs = 0;

  constructor(now?: string) {
    if (now !== undefined) this.set(now);
  }

  nowMs(): number {
    return Date.now() + this.#offsetMs;
  }

  advance(seconds: number): void {
    this.#offsetMs += seconds * 1000;
  }

  set(iso: string): void {
    this.#offsetMs = Date.parse(iso) - Date.now();
  }
}

import { err, io } from './cli-io.ts';

/**
 * A one-line progress bar on a terminal (stderr); silent when stderr is not a terminal, so logs
 * and pipes stay clean.
 */
export class ProgressBar {
  readonly #total: number;
  readonly #label: string;
  readonly #enabled: boolean;
  #done = 0;
  #lastDraw = 0;

  constructor(label: string, total: number) {
    this.#label = label;
    this.#total = Math.max(1, total);
    this.#enabled = io().stderrIsTTY;
  }

  advance(amount: number): void {
    this.#done += amount;
    const now = Date.now();
    if (this.#enabled && now - this.#lastDraw > 100) {
      this.#lastDraw = now;
      this.#draw();
    }
  }

  #draw(): void {
    const fraction = Math.min(1, this.#done / this.#total);
    const width = 30;
    const filled = Math.round(fraction * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    err(
      `\r${this.#label.padEnd(28).slice(0, 28)} ${bar} ${String(Math.round(fraction * 100)).padStart(3)}%`,
    );
  }

  finish(): void {
    if (!this.#enabled) return;
    this.#done = this.#total;
    this.#draw();
    err('\n');
  }
}

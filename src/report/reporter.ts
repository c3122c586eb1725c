// The three ways `up` reports: a live view on a terminal, timestamped lines for CI, JSON events for scripts.
import type { SummaryRow, SupervisorEvent } from '../supervisor/events.js';

export interface Reporter {
  event(e: SupervisorEvent): void;
  /** Something `up` itself says (pulling models, the outcome). */
  note(text: string): void;
  ready(summary: SummaryRow[], coldStartMs: number, budgetMs: number): void;
  failed(message: string, exitCode: number): void;
  close(): void;
}

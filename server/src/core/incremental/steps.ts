/**
 * Stepped computations: long work written as generators that yield now and
 * then, so an editor can answer requests in between (see `lintSteps`).
 */

/** Run a stepped computation to its end (for callers that cannot yield: the CLI, tests, `get`). */
export function runToEnd<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

// Tests that need something outside the unit-test sandbox (the Samba lab, PostgreSQL, root, a file outside the
// repository) skip when it is absent, unless REQUIRE_INTEGRATION=1 (CI, `npm run test:all`): then an absent
// prerequisite fails the run with a sentence saying what is missing, instead of passing by skipping.
// No test-runner import: Vitest suites and Playwright journeys both use it.

/** Whether this run must not skip any integration test. */
export function integrationRequired(): boolean {
  return process.env.REQUIRE_INTEGRATION === "1";
}

export interface Prerequisite {
  /** Skip the test: the prerequisite is absent and the run does not require it. */
  readonly skip: boolean;
  /** Why it is absent (for skip messages), or null when it is there. */
  readonly missing: string | null;
  /** Call first in the test (or its beforeAll): throws when the prerequisite is absent, which only a required run reaches. */
  assertPresent(): void;
}

/** `missing`: null when the prerequisite is there, else what is missing and how to provide it. */
export function prerequisite(missing: string | null): Prerequisite {
  return {
    skip: missing !== null && !integrationRequired(),
    missing,
    assertPresent() {
      if (missing !== null) throw new Error(`REQUIRE_INTEGRATION=1, but ${missing}`);
    },
  };
}

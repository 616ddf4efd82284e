// The shape of a catalogue entry: what a step asks of a person, where, and how the wizard can tell it is done.

import { type StepId } from "../ids";
import type { Confidence, Flow, Place, RemediationScript, Role } from "../types";

/** One thing to do. `labels` lists the exact on-screen texts quoted in `text`, so the UI can highlight them. */
export interface Instruction {
  readonly text: string;
  readonly labels?: readonly string[];
  /** What the instruction says in a sandbox run instead, where the wizard plays the real systems' part. */
  readonly sandboxText?: string;
}

/** Something that commonly goes wrong, how to recognise it, and what to do about it. */
export interface Pitfall {
  readonly symptom: string;
  readonly recognise: string;
  readonly fix: string;
  /** Windows event ids (Application log of the Connect server) or SSPR error codes that identify it. */
  readonly eventIds?: readonly string[];
}

export interface StepVerification {
  /** Every way the step can be established, strongest first. The machine refuses any other. */
  readonly kinds: readonly Confidence[];
  readonly description: string;
}

/** A static, read-only-where-possible snippet with `<PLACEHOLDERS>`; generated scripts live in lib/ad. */
export interface ScriptHint extends Readonly<RemediationScript> {
  /** Where to run it. */
  readonly runOn: Place;
  /** Why it is safe, what its output means, or where Microsoft documents it. */
  readonly note?: string;
}

/** The Microsoft Learn article a step follows, linked from the step page and the report. */
export interface LearnMore {
  readonly title: string;
  /** An https://learn.microsoft.com/ address, locale-free so Learn picks the reader's language. */
  readonly url: string;
}

/** Who acts: a person, the wizard alone (reads only), or the wizard on a person's request. */
export type Performer = "person" | "wizard" | "wizard-and-person";

export interface StepDefinition {
  readonly id: StepId;
  readonly flow: Flow;
  /** Short and imperative; used in blocker messages. */
  readonly title: string;
  /** One sentence. */
  readonly summary: string;
  readonly performedBy: Performer;
  /** Roles that can do the step; empty when the wizard does it alone. */
  readonly who: readonly Role[];
  readonly whoLabel: string;
  readonly where: Place;
  readonly whereLabel: string;
  readonly instructions: readonly Instruction[];
  readonly pitfalls: readonly Pitfall[];
  /** Steps of the same flow that should be passed (or skipped) first. Informative: nothing is locked. */
  readonly dependsOn: readonly StepId[];
  readonly optional: boolean;
  readonly verification: StepVerification;
  /** What the person confirms when attesting; null when attestation is not accepted for the step. */
  /**
   * Delegated Microsoft Graph permissions the browser asks for before this step's check; consent is requested
   * step by step, not all at once.
   */
  readonly graphScopes: readonly string[];
  readonly attestationPrompt: string | null;
  readonly scriptHints?: readonly ScriptHint[];
  /** Microsoft's own page for what the step asks. */
  readonly learnMore: LearnMore;
}

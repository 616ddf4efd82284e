import { type AutomaticResult } from "@/lib/steps/types";
import { type SourceAnswer } from "@/lib/verify/types";

/** A source's result, or null when it stood aside: the shape most source tests assert on. */
export async function resultOf(
  answer: Promise<SourceAnswer> | SourceAnswer,
): Promise<AutomaticResult | null> {
  const settled = await answer;
  return settled.kind === "result" ? settled.result : null;
}

import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { StepView } from "@/components/wizard/step-view";
import { getStep } from "@/lib/steps/catalogue";
import { isStepId } from "@/lib/steps/ids";
import { runForPage } from "@/lib/server/run-page";

type Params = Promise<{ id: string; stepId: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { stepId } = await params;
  return { title: isStepId(stepId) ? getStep(stepId).title : "Step not found" };
}

export default async function StepPage({ params }: { params: Params }) {
  const { id, stepId } = await params;
  if (!isStepId(stepId)) notFound();
  const run = await runForPage(id);
  if (!run.steps[stepId]) notFound();
  return <StepView stepId={stepId} />;
}

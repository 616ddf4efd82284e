"use client";

import dynamic from "next/dynamic";
import { type StepId } from "@/lib/steps/ids";

// MSAL is loaded only here, and only in live runs: the sandbox and every other page never download it.
const MsalSignIn = dynamic(() => import("./msal-sign-in").then((m) => m.MsalSignIn), {
  ssr: false,
  loading: () => <p className="text-sm">Loading Microsoft sign-in…</p>,
});

export function SignInPanel({ stepId }: { stepId: StepId }) {
  return <MsalSignIn stepId={stepId} />;
}

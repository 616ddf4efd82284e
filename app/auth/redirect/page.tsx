import type { Metadata } from "next";
import { RedirectBridge } from "@/components/wizard/tenant/redirect-bridge";

export const metadata: Metadata = { title: "Signing in" };

/** The registered redirect URI: MSAL v5's bridge page hands the sign-in response back to the page that asked. */
export default function RedirectPage() {
  return (
    <div className="space-y-2">
      <h1 className="text-2xl font-bold">Signing in…</h1>
      <RedirectBridge />
    </div>
  );
}

import { NextResponse } from "next/server";
import { type HealthResponse } from "@/lib/contract/health";
import { checkHealth } from "@/lib/server/health";

// For load balancers and uptime checks: no session needed (docs/deployment.md).
export async function GET(): Promise<Response> {
  const { status, body } = await checkHealth();
  return NextResponse.json<HealthResponse>(body, { status, headers: { "cache-control": "no-store" } });
}

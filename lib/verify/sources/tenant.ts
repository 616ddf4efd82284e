// How a step reads Microsoft Graph (the real tenant or the sandbox simulator): through ctx.tenant, handing the facts
// to a pure verdict in ../verdicts/tenant.ts. When it cannot judge (no sign-in, no consent, nothing recorded yet) it
// stands aside with a notice saying why, and the step can still be attested.

import { type Finding } from "@/lib/steps/types";
import { AUDIT_ACTIVITIES } from "@/lib/tenant/graph-facts";
import { TenantError, type TenantContext } from "@/lib/tenant/port";
import { result, type SourceAnswer, standAside, type VerificationSource, type VerifyContext } from "../types";
import { type AutomaticResult } from "@/lib/steps/types";

/** Audit records are kept 30 days with P1/P2 (7 without): looking further back finds nothing. */
const AUDIT_LOOKBACK_MS = 30 * 24 * 3600_000;

export const WRITEBACK_TOGGLES = [
  AUDIT_ACTIVITIES.enableWriteback,
  AUDIT_ACTIVITIES.disableWriteback,
] as const;
export const RESETS = [AUDIT_ACTIVITIES.selfServiceReset, AUDIT_ACTIVITIES.adminReset] as const;

/** The oldest audit record worth asking for. */
export function lookback(ctx: VerifyContext): Date {
  return new Date(ctx.now.getTime() - AUDIT_LOOKBACK_MS);
}

/** A source that reads the tenant; a TenantError becomes a notice (what to do) and the source stands aside. */
export function tenantSource(
  describe: string,
  confidence: VerificationSource["confidence"],
  judge: (tenant: TenantContext, ctx: VerifyContext) => Promise<SourceAnswer | AutomaticResult>,
  part?: string,
): VerificationSource {
  return {
    confidence,
    describe,
    ...(part ? { part } : {}),
    async check(ctx) {
      if (!ctx.tenant) return standAside("not-configured", ctx.tenantUnavailable ?? null);
      try {
        const judged = await judge(ctx.tenant, ctx);
        return "kind" in judged ? judged : result(judged);
      } catch (error) {
        if (!(error instanceof TenantError)) throw error;
        return standAside("unreachable", {
          code: `tenant-${error.kind}`,
          severity: "warning",
          message: error.message,
        });
      }
    },
  };
}

/** Optional reads that inform but never decide: a refusal becomes an info finding. */
export async function optional<T>(read: () => Promise<T>, notes: Finding[], what: string): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof TenantError)) throw error;
    notes.push({ code: `${what}-unread`, severity: "info", message: error.message });
    return null;
  }
}

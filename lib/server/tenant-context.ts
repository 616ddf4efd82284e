import "server-only";
import { type VerifyContext } from "@/lib/steps/verifiers";
import { END_TO_END_EVENT, endToEndRecordSchema } from "@/lib/tenant/end-to-end";
import { type EndToEndTestRecord } from "@/lib/tenant/port";
import { ldapUserLookup } from "./directory/context";
import { appMode } from "./env";
import { getRepository } from "./runs-service";
import { currentTenantAccess } from "./tenant-access";

/** The tenant part of a verify context: the port of this request, when it can reach the tenant, and the run facts. */
export async function tenantContextFor(
  run: VerifyContext["run"],
): Promise<Pick<VerifyContext, "tenant" | "onPremisesUsers" | "notices">> {
  const access = currentTenantAccess();
  if (!access) {
    if (appMode() === "sandbox") return {};
    return {
      notices: [
        {
          code: "sign-in-needed",
          severity: "info",
          message:
            "Sign in with your Microsoft Entra admin account so that the wizard can check this step in your tenant.",
        },
      ],
    };
  }
  // The on-premises leg of the end-to-end test: the sandbox's directory, else the configured LDAP connection.
  const onPremisesUsers = access.onPremisesUsers ?? ldapUserLookup();
  const repo = await getRepository();
  const [record, events] = await Promise.all([repo.get(run.id), repo.events(run.id)]);
  let endToEndTest: EndToEndTestRecord | null = null;
  for (const event of events) {
    if (event.type !== END_TO_END_EVENT) continue;
    const parsed = endToEndRecordSchema.safeParse(event.detail);
    if (parsed.success) endToEndTest = parsed.data;
  }
  return {
    tenant: {
      port: access.port,
      runStartedAt: new Date(record?.createdAt ?? Date.now()),
      endToEndTest,
    },
    ...(onPremisesUsers ? { onPremisesUsers } : {}),
  };
}

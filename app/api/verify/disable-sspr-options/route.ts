import { verifyRoute } from "@/lib/server/verify-route";

export const POST = verifyRoute("disable-sspr-options");

import { type NextRequest } from "next/server";
import { handleShareLink } from "@/lib/server/share-route";

export async function GET(request: NextRequest, context: { params: Promise<{ token: string }> }) {
  const { token } = await context.params;
  return handleShareLink(request, token);
}

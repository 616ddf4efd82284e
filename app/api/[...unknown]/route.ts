import { ApiError } from "@/lib/server/api-error";
import { errorResponse } from "@/lib/server/error-response";

// Any /api address no route serves: a JSON 404 in the app's error shape, not the HTML not-found page.
function notFound(): Response {
  return errorResponse(new ApiError("not-found", "There is no API at this address."));
}

export const GET = notFound;
export const HEAD = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
export const OPTIONS = notFound;

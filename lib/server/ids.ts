import "server-only";
import { z } from "zod";

// The id-like fields of route schemas. An id goes into a URL (Graph), a query or a log line, so it is checked for
// its form here, not merely for being a string: a lone surrogate makes encodeURIComponent throw, and a `/` or `?`
// would change the Graph request it is put into.

/** Ids this wizard hands out (runs: 22 base64url characters; share links: 16). Unknown but well-formed is a 404. */
export const runIdSchema = z
  .string()
  .trim()
  .min(1, "is required")
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "is not a run id (letters, digits, - and _, at most 64)");

// ms-fact: graph-user-id-forms
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// ms-fact: upn-characters-and-lengths
const UPN_CHARS = "A-Za-z0-9'.\\-_!#^~";
const UPN = new RegExp(
  `^(?=.{3,113}$)[${UPN_CHARS}]{0,63}[${UPN_CHARS.replace(".", "")}]@[${UPN_CHARS}]{1,48}$`,
);

/** A user as Graph's `/users/{id | userPrincipalName}` takes it: an object id (GUID) or a user principal name. */
export const graphUserIdSchema = z
  .string()
  .trim()
  .min(1, "choose a test user")
  .refine((value) => GUID.test(value) || UPN.test(value), {
    message:
      "is not a user id (an object id such as 87d349ed-…, or a user principal name such as ada@contoso.com)",
  });

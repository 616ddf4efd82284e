// What every directory check produces: findings with a stable code, the object, the reason and what to do.
// The codes and the finding's shape are shared with the API and the browser, so they live in lib/steps.

export {
  CODE_LABELS,
  FINDING_CODES,
  type DirectoryFinding,
  type FindingCode,
  type Severity,
} from "@/lib/steps/finding-codes";

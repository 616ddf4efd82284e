import { describe, expect, expectTypeOf, it } from "vitest";
import { type z } from "zod";
import type * as clientApi from "@/lib/client/api";
import type * as clientDirectory from "@/lib/client/directory-api";
import type * as clientSandboxDirectory from "@/lib/client/sandbox-directory";
import type * as clientTenant from "@/lib/client/tenant-api";
import type * as directoryFixes from "@/lib/server/directory/fix-service";
import type * as directoryService from "@/lib/server/directory/state-service";
import type * as reverifyService from "@/lib/server/reverify-service";
import type * as runPage from "@/lib/server/run-page";
import type * as runsService from "@/lib/server/runs-service";
import type * as sandboxControls from "@/lib/server/sandbox-controls";
import type * as shareService from "@/lib/server/share-service";
import type * as verifyRoute from "@/lib/server/verify-route";
import { type SyncedUser } from "@/lib/tenant/port";
import { FINDING_CODES } from "@/lib/steps/finding-codes";
import { runChangeSchema, runPatchSchema } from "@/lib/steps/schema";
import { type RunChange } from "@/lib/steps/run-changes";
import {
  type DirectorySettingsBody,
  type DirectoryState,
  type FindingsPage,
  type FixApplyBody,
  type FixPreviewView,
} from "./directory";
import {
  type PatchRunBody,
  type ReverifyResponse,
  type RunAccessView,
  type RunView,
  type VerifyBody,
  type VerifyResponse,
} from "./runs";
import { type SandboxDirectoryView, type SandboxView } from "./sandbox";
import { type CreateShareLinkBody, type ShareLinkView } from "./share";
import { type TestUser } from "./tenant";

// The contract is what both sides say it is: the server's services produce these shapes, the browser's API client
// expects them, and the server's zod schemas accept exactly the bodies the browser is typed to send. Most checks
// are types (tsc checks this file; the imports of server and client modules above are type-only and load nothing).

type Answer<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;

describe("the server produces the contract's shapes", () => {
  it("runs, verification and access", () => {
    expectTypeOf<ReturnType<typeof runsService.toView>>().toEqualTypeOf<RunView>();
    expectTypeOf<Answer<typeof runsService.loadRun>>().toEqualTypeOf<RunView>();
    expectTypeOf<Answer<typeof runsService.verifyStep>>().toEqualTypeOf<VerifyResponse>();
    expectTypeOf<Answer<typeof reverifyService.reverifyRun>>().toEqualTypeOf<ReverifyResponse>();
    expectTypeOf<ReturnType<typeof runPage.clientAccess>>().toEqualTypeOf<RunAccessView>();
  });

  it("share links, directory, sandbox and tenant", () => {
    expectTypeOf<Answer<typeof shareService.listShareLinks>>().toEqualTypeOf<ShareLinkView[]>();
    expectTypeOf<Answer<typeof directoryService.directoryState>>().toEqualTypeOf<DirectoryState>();
    // The server keeps more of the plan than it shows (the SIDs it applies with); the answer carries all of it.
    expectTypeOf<Answer<typeof directoryFixes.previewFix>>().toExtend<FixPreviewView>();
    expectTypeOf<ReturnType<typeof sandboxControls.sandboxView>>().toEqualTypeOf<SandboxView>();
    expectTypeOf<
      Answer<typeof sandboxControls.sandboxDirectoryViewForRun>
    >().toEqualTypeOf<SandboxDirectoryView>();
    expectTypeOf<SyncedUser>().toEqualTypeOf<TestUser>();
  });
});

describe("the browser reads the contract's shapes", () => {
  it("for every call it makes", () => {
    expectTypeOf<Answer<typeof clientApi.createRunRequest>>().toEqualTypeOf<RunView>();
    expectTypeOf<Answer<typeof clientApi.verifyRequest>>().toEqualTypeOf<VerifyResponse>();
    expectTypeOf<Parameters<typeof clientApi.verifyRequest>[1]>().toEqualTypeOf<VerifyBody>();
    expectTypeOf<Answer<typeof clientApi.reverifyRequest>>().toEqualTypeOf<ReverifyResponse>();
    expectTypeOf<Answer<typeof clientApi.listShareLinksRequest>["links"]>().toEqualTypeOf<ShareLinkView[]>();
    expectTypeOf<
      Parameters<typeof clientApi.createShareLinkRequest>[1]
    >().toEqualTypeOf<CreateShareLinkBody>();
    expectTypeOf<Answer<typeof clientDirectory.directoryApi.state>>().toEqualTypeOf<DirectoryState>();
    expectTypeOf<Answer<typeof clientDirectory.directoryApi.findings>>().toEqualTypeOf<FindingsPage>();
    expectTypeOf<Answer<typeof clientDirectory.directoryApi.previewFix>>().toEqualTypeOf<FixPreviewView>();
    expectTypeOf<
      Answer<typeof clientSandboxDirectory.fetchSandboxDirectory>
    >().toEqualTypeOf<SandboxDirectoryView>();
    expectTypeOf<Answer<typeof clientTenant.fetchSandbox>>().toEqualTypeOf<SandboxView>();
    expectTypeOf<Answer<typeof clientTenant.searchTestUsers>>().toEqualTypeOf<TestUser[]>();
  });
});

describe("the server's schemas accept what the browser is typed to send", () => {
  it("agree with the contract's request bodies", () => {
    expectTypeOf<z.output<typeof runChangeSchema>>().toEqualTypeOf<RunChange>();
    expectTypeOf<z.output<typeof runPatchSchema>>().toEqualTypeOf<PatchRunBody>();
    expectTypeOf<z.output<typeof verifyRoute.verifyBodySchema>>().toEqualTypeOf<VerifyBody>();
    expectTypeOf<CreateShareLinkBody>().toExtend<z.input<typeof shareService.shareLinkCreateSchema>>();
    expectTypeOf<FixApplyBody>().toExtend<z.input<typeof directoryFixes.fixApplyBodySchema>>();
    expectTypeOf<DirectorySettingsBody>().toExtend<z.input<typeof directoryService.settingsBodySchema>>();
  });

  it("parses every kind of run change the browser can send", () => {
    const changes: RunChange[] = [
      { op: "rename", title: "Contoso writeback" },
      { op: "note", stepId: "prerequisites", text: "licences checked" },
      { op: "skip", stepId: "sspr-unlock", reason: "not wanted" },
      { op: "unskip", stepId: "sspr-unlock" },
      { op: "assign", stepId: "connector-permissions", assignee: null },
      { op: "reset", stepId: "password-policy" },
    ];
    expect(runPatchSchema.parse({ changes })).toEqual({ changes });
    expect(runChangeSchema.safeParse({ op: "note", stepId: "no-such-step", text: "" }).success).toBe(false);
  });

  it("filters the findings list by every code the browser offers, and only those", async () => {
    const { findingsQuerySchema } = await import("@/lib/server/directory/state-service");
    for (const code of FINDING_CODES) {
      expect(findingsQuerySchema.safeParse({ step: "connector-permissions", code }).success).toBe(true);
    }
    expect(
      findingsQuerySchema.safeParse({ step: "connector-permissions", code: "no-such-code" }).success,
    ).toBe(false);
  });
});

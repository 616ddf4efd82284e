import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { prerequisite } from "@/lib/testing/integration";
import {
  AUDIT_RECORD_LABELS,
  CONFIDENCE_LABELS,
  CONNECT_WIZARD_LABELS,
  PLACE_LABELS,
  PORTAL_LABELS,
  ROLE_LABELS,
  STATUS_LABELS,
  STEP_CATALOGUE,
  getStep,
  stepsForFlow,
  type StepDefinition,
} from ".";
import { CLEANUP_STEP_IDS, ENABLE_STEP_IDS, STEP_IDS, type StepId } from "../ids";
import { CONFIDENCES, PLACES, ROLES, STEP_STATUSES, type Confidence } from "../types";

const ALL_STEPS = STEP_IDS.map((id) => getStep(id));

/** Every human-readable string of a step, for "does the step mention X" checks. */
function allText(step: StepDefinition): string {
  return [
    step.title,
    step.summary,
    step.whoLabel,
    step.whereLabel,
    step.verification.description,
    step.attestationPrompt ?? "",
    ...step.instructions.map((i) => i.text),
    ...step.pitfalls.flatMap((p) => [p.symptom, p.recognise, p.fix]),
  ].join("\n");
}

function instructionText(step: StepDefinition): string {
  return step.instructions.map((i) => i.text).join("\n");
}

function pitfallText(step: StepDefinition): string {
  return step.pitfalls.map((p) => `${p.symptom}\n${p.recognise}\n${p.fix}`).join("\n");
}

describe("catalogue shape", () => {
  it("has an entry for every step id, keyed by its own id", () => {
    expect(Object.keys(STEP_CATALOGUE).sort()).toEqual([...STEP_IDS].sort());
    for (const id of STEP_IDS) expect(STEP_CATALOGUE[id].id).toBe(id);
  });

  it("orders each flow exactly like ids.ts and tags each step with its flow", () => {
    expect(stepsForFlow("enable").map((s) => s.id)).toEqual([...ENABLE_STEP_IDS]);
    expect(stepsForFlow("cleanup").map((s) => s.id)).toEqual([...CLEANUP_STEP_IDS]);
    for (const s of stepsForFlow("enable")) expect(s.flow).toBe("enable");
    for (const s of stepsForFlow("cleanup")) expect(s.flow).toBe("cleanup");
  });

  it.each(ALL_STEPS.map((s) => [s.id, s] as const))("%s has the required content", (_id, step) => {
    expect(step.title.trim()).not.toBe("");
    expect(step.title.length).toBeLessThanOrEqual(60);
    expect(step.summary.trim()).not.toBe("");
    // One sentence: a single full stop, at the end.
    expect(step.summary.trim().endsWith(".")).toBe(true);
    expect(step.summary.trim().slice(0, -1)).not.toMatch(/\.\s/);
    expect(step.whoLabel.trim()).not.toBe("");
    expect(step.whereLabel.trim()).not.toBe("");
    expect(step.instructions.length).toBeGreaterThanOrEqual(2);
    expect(step.pitfalls.length).toBeGreaterThanOrEqual(1);
    for (const item of step.instructions) expect(item.text.trim()).not.toBe("");
    for (const p of step.pitfalls) {
      expect(p.symptom.trim()).not.toBe("");
      expect(p.recognise.trim()).not.toBe("");
      expect(p.fix.trim()).not.toBe("");
    }
    expect(step.verification.description.trim()).not.toBe("");
  });

  it.each(ALL_STEPS.map((s) => [s.id, s] as const))(
    "%s quotes every label it lists, verbatim",
    (_id, step) => {
      for (const item of step.instructions)
        for (const label of item.labels ?? []) expect(item.text).toContain(label);
    },
  );

  it("provides a display label for every role, place, confidence and status", () => {
    expect(Object.keys(ROLE_LABELS).sort()).toEqual([...ROLES].sort());
    expect(Object.keys(PLACE_LABELS).sort()).toEqual([...PLACES].sort());
    expect(Object.keys(CONFIDENCE_LABELS)).toEqual([...CONFIDENCES]);
    expect(Object.keys(STATUS_LABELS).sort()).toEqual([...STEP_STATUSES].sort());
    for (const c of CONFIDENCES) expect(CONFIDENCE_LABELS[c].explanation.trim()).not.toBe("");
  });

  it("stepsForFlow returns a fresh array each time", () => {
    const a = stepsForFlow("enable");
    a.pop();
    expect(stepsForFlow("enable")).toHaveLength(ENABLE_STEP_IDS.length);
  });
});

describe("dependencies", () => {
  it("match the agreed order", () => {
    const expected: Record<StepId, StepId[]> = {
      prerequisites: [],
      "connector-permissions": ["prerequisites"],
      "password-policy": ["prerequisites"],
      "connect-writeback": ["connector-permissions"],
      "sspr-writeback": ["connect-writeback"],
      "sspr-unlock": ["sspr-writeback"],
      "end-to-end-test": ["sspr-writeback", "connector-permissions", "password-policy"],
      "disable-sspr-options": [],
      "disable-connect-writeback": ["disable-sspr-options"],
      "revoke-connector-permissions": ["disable-connect-writeback"],
      "confirm-disabled": [
        "disable-sspr-options",
        "disable-connect-writeback",
        "revoke-connector-permissions",
      ],
    };
    for (const id of STEP_IDS) expect([...getStep(id).dependsOn]).toEqual(expected[id]);
  });

  it("only reference steps of the same flow, never the step itself, without duplicates", () => {
    for (const step of ALL_STEPS) {
      expect(new Set(step.dependsOn).size).toBe(step.dependsOn.length);
      for (const dep of step.dependsOn) {
        expect(dep).not.toBe(step.id);
        expect(getStep(dep).flow).toBe(step.flow);
      }
    }
  });

  it("contain no cycles", () => {
    const state = new Map<StepId, "visiting" | "done">();
    const visit = (id: StepId, path: StepId[]): void => {
      if (state.get(id) === "done") return;
      if (state.get(id) === "visiting") throw new Error(`cycle: ${[...path, id].join(" -> ")}`);
      state.set(id, "visiting");
      for (const dep of getStep(id).dependsOn) visit(dep, [...path, id]);
      state.set(id, "done");
    };
    for (const id of STEP_IDS) expect(() => visit(id, [])).not.toThrow();
  });

  it("point backwards in flow order, so the flow order is a valid order to work in", () => {
    for (const flow of ["enable", "cleanup"] as const) {
      const order = stepsForFlow(flow).map((s) => s.id);
      for (const step of stepsForFlow(flow))
        for (const dep of step.dependsOn) expect(order.indexOf(dep)).toBeLessThan(order.indexOf(step.id));
    }
  });
});

describe("who, where, optional", () => {
  it("sends each step to the right people and place", () => {
    const expected: Record<StepId, { who: string[]; where: string }> = {
      prerequisites: { who: [], where: "wizard" },
      "connector-permissions": { who: ["domain-admin"], where: "ad-ds" },
      "password-policy": { who: ["domain-admin"], where: "ad-ds" },
      "connect-writeback": { who: ["hybrid-identity-admin", "global-admin"], where: "connect-server" },
      "sspr-writeback": { who: ["hybrid-identity-admin", "global-admin"], where: "entra-admin-center" },
      "sspr-unlock": { who: ["hybrid-identity-admin", "global-admin"], where: "entra-admin-center" },
      "end-to-end-test": { who: ["global-admin"], where: "wizard" },
      "disable-sspr-options": {
        who: ["hybrid-identity-admin", "global-admin"],
        where: "entra-admin-center",
      },
      "disable-connect-writeback": {
        who: ["hybrid-identity-admin", "global-admin"],
        where: "connect-server",
      },
      "revoke-connector-permissions": { who: ["domain-admin"], where: "ad-ds" },
      "confirm-disabled": { who: ["hybrid-identity-admin", "global-admin"], where: "wizard" },
    };
    for (const id of STEP_IDS) {
      expect({ who: [...getStep(id).who], where: getStep(id).where }).toEqual(expected[id]);
    }
  });

  it("says plainly when nobody has to do anything", () => {
    const pre = getStep("prerequisites");
    expect(pre.performedBy).toBe("wizard");
    expect(pre.whoLabel).toMatch(/^None — the wizard reads it/);
    for (const step of ALL_STEPS) if (step.who.length === 0) expect(step.performedBy).toBe("wizard");
  });

  it("makes only sspr-unlock optional", () => {
    expect(ALL_STEPS.filter((s) => s.optional).map((s) => s.id)).toEqual(["sspr-unlock"]);
  });
});

describe("verification", () => {
  it("lists the agreed kinds per step, strongest first", () => {
    const expected: Record<StepId, Confidence[]> = {
      // Every step can be attested, for when no automatic source can reach its system; an uploaded snapshot
      // answers the directory part as evidence when there is no LDAP connection.
      prerequisites: ["verified", "evidence", "attested"],
      "connector-permissions": ["verified", "evidence", "attested"],
      "password-policy": ["verified", "evidence", "attested"],
      "connect-writeback": ["evidence", "attested"],
      "sspr-writeback": ["evidence", "attested"],
      "sspr-unlock": ["evidence", "attested"],
      "end-to-end-test": ["verified", "attested"],
      "disable-sspr-options": ["evidence", "attested"],
      "disable-connect-writeback": ["evidence", "attested"],
      "revoke-connector-permissions": ["verified", "evidence", "attested"],
      "confirm-disabled": ["evidence", "attested"],
    };
    for (const id of STEP_IDS) {
      const kinds = [...getStep(id).verification.kinds];
      expect(kinds).toEqual(expected[id]);
      expect(kinds).toEqual(CONFIDENCES.filter((c) => kinds.includes(c)));
    }
  });

  it("offers an attestation prompt exactly where attestation is accepted", () => {
    for (const step of ALL_STEPS) {
      const accepts = step.verification.kinds.includes("attested");
      expect(step.attestationPrompt !== null).toBe(accepts);
      if (step.attestationPrompt !== null) expect(step.attestationPrompt).toMatch(/^(I |After )/);
    }
    expect(getStep("connect-writeback").attestationPrompt).toBe(
      "I ticked Password writeback in the Connect wizard on <server> and finished the wizard.",
    );
  });

  it("says plainly that the portal switches have no API", () => {
    for (const id of ["sspr-writeback", "sspr-unlock", "disable-sspr-options", "confirm-disabled"] as const)
      expect(getStep(id).verification.description).toMatch(/publishes none/);
  });

  it("names the audit activities where they serve as evidence", () => {
    expect(getStep("connect-writeback").verification.description).toContain(
      AUDIT_RECORD_LABELS.enableWriteback,
    );
    expect(getStep("disable-connect-writeback").verification.description).toContain(
      AUDIT_RECORD_LABELS.disableWriteback,
    );
    expect(getStep("confirm-disabled").verification.description).toContain(
      AUDIT_RECORD_LABELS.disableWriteback,
    );
    expect(getStep("sspr-unlock").verification.description).toContain(AUDIT_RECORD_LABELS.selfServiceUnlock);
    expect(getStep("end-to-end-test").verification.description).toContain("OnPremisesAgent");
  });

  it("never lets Graph's passwordWritebackEnabled decide", () => {
    expect(allText(getStep("connect-writeback"))).toMatch(
      /passwordWritebackEnabled is documented as not in use/,
    );
    expect(allText(getStep("confirm-disabled"))).toMatch(/never decides/);
  });
});

describe("portal and wizard labels (old and new wording)", () => {
  const portalSteps = ALL_STEPS.filter((s) => s.where === "entra-admin-center");

  it("has the three portal steps", () => {
    expect(portalSteps.map((s) => s.id)).toEqual(["sspr-writeback", "sspr-unlock", "disable-sspr-options"]);
  });

  it.each(portalSteps.map((s) => [s.id, s] as const))(
    "%s gives the current path and the older ones",
    (_id, step) => {
      const text = instructionText(step);
      expect(text).toContain("Entra ID > Password reset > On-premises integration");
      expect(text).toContain("Protection > Password reset > On-premises integration");
      expect(text).toContain("Azure Active Directory > Password reset > On-premises integration");
    },
  );

  it.each(portalSteps.map((s) => [s.id, s] as const))(
    "%s quotes the writeback switch in old and new wording",
    (_id, step) => {
      const text = instructionText(step);
      expect(text).toContain("Enable password write back for synced users");
      expect(text).toContain("Write back passwords to your on-premises directory?");
    },
  );

  it("never quotes one wording of the writeback switch without the other, anywhere", () => {
    for (const step of ALL_STEPS) {
      const text = allText(step);
      expect(text.includes(PORTAL_LABELS.writebackNew)).toBe(text.includes(PORTAL_LABELS.writebackOld));
    }
  });

  it("quotes the unlock and cloud sync options where they are switched", () => {
    const unlock = "Allow users to unlock accounts without resetting their password";
    expect(instructionText(getStep("sspr-unlock"))).toContain(unlock);
    expect(instructionText(getStep("disable-sspr-options"))).toContain(unlock);
    const cloud = "Write back passwords with Microsoft Entra Connect cloud sync";
    expect(instructionText(getStep("sspr-writeback"))).toContain(cloud);
    expect(instructionText(getStep("disable-sspr-options"))).toContain(cloud);
  });

  it.each(["connect-writeback", "disable-connect-writeback"] as const)(
    "%s walks through the Connect wizard labels",
    (id) => {
      const text = instructionText(getStep(id));
      for (const label of Object.values(CONNECT_WIZARD_LABELS)) expect(text).toContain(label);
      expect(text).toContain("Customize synchronization options");
      expect(text).toContain("Optional features");
      expect(text).toContain("Ready to configure");
    },
  );

  it("walks through the ADUC delegation", () => {
    const text = instructionText(getStep("connector-permissions"));
    for (const label of [
      "Active Directory Users and Computers",
      "View",
      "Advanced Features",
      "Properties",
      "Security",
      "Advanced",
      "Add",
      "Applies to",
      "Descendant User objects",
      "Reset password",
      "Write lockoutTime",
      "Write pwdLastSet",
      "Unexpire Password",
      "This object and all descendant objects",
    ])
      expect(text).toContain(label);
    expect(text).toMatch(/up to an hour/);
  });

  it("walks through the password policy GPO", () => {
    const text = instructionText(getStep("password-policy"));
    expect(text).toContain("Group Policy Management");
    expect(text).toContain("Default Domain Policy");
    expect(text).toContain(
      "Computer Configuration > Policies > Windows Settings > Security Settings > Account Policies > Password Policy",
    );
    expect(text).toContain("Minimum password age");
    expect(text).toContain("gpupdate /force");
  });
});

describe("failure signatures sit where DOMAIN.md puts them", () => {
  const placements: [string, StepId, RegExp?][] = [
    ["33004", "connector-permissions", /ADPermissionsError/],
    ["SSPR_0029", "connector-permissions"],
    ["6329", "connector-permissions", /RestrictRemoteSam/],
    ["33008", "password-policy", /ADPasswordPolicyError/],
    ["6329", "password-policy", /0x80230619/],
    ["6329", "prerequisites", /MMS\(3040\)/],
    ["6329", "connect-writeback", /0x8023061f/],
    ["32002", "connect-writeback", /\*\.servicebus\.windows\.net/],
    ["32011", "connect-writeback", /\*\.passwordreset\.microsoftonline\.com/],
    ["31034", "connect-writeback"],
    ["31044", "connect-writeback"],
    ["6800", "connect-writeback"],
    ["32009", "connect-writeback", /AuthTokenError/],
    ["31009", "end-to-end-test", /31011 \(admin reset failed\)/],
    ["31010", "end-to-end-test"],
    ["31011", "end-to-end-test"],
  ];

  it.each(placements)("%s on %s", (eventId, stepId, context) => {
    const step = getStep(stepId);
    const pitfall = step.pitfalls.find(
      (p) => p.eventIds?.includes(eventId) && (!context || context.test(`${p.recognise} ${p.fix}`)),
    );
    expect(pitfall, `${eventId} ${context ?? ""}`).toBeDefined();
  });

  it("mentions protected accounts, inheritance, the policy-hints DC requirement and the licence", () => {
    expect(pitfallText(getStep("connector-permissions"))).toMatch(/adminCount=1/);
    expect(pitfallText(getStep("connector-permissions"))).toMatch(/inheritance/);
    expect(pitfallText(getStep("prerequisites"))).toMatch(/Windows Server 2016/);
    expect(pitfallText(getStep("prerequisites"))).toMatch(/P1 or P2/);
    expect(pitfallText(getStep("password-policy"))).toMatch(/fine-grained/);
  });

  it("only uses event ids that identify a signature", () => {
    for (const step of ALL_STEPS)
      for (const p of step.pitfalls)
        for (const e of p.eventIds ?? []) expect(e).toMatch(/^(\d{4,5}|SSPR_\d{4})$/);
  });
});

describe("script hints", () => {
  const hints = ALL_STEPS.flatMap((s) => (s.scriptHints ?? []).map((h) => ({ step: s.id, ...h })));

  it("use placeholders, never real names", () => {
    for (const h of hints) {
      expect(h.script).not.toMatch(/contoso/i);
      expect(h.title.trim()).not.toBe("");
    }
  });

  it("carry Microsoft's dsacls delegation with placeholders", () => {
    const dsacls = hints.find((h) => h.step === "connector-permissions" && h.language === "cmd");
    expect(dsacls?.script).toBe(
      String.raw`dsacls "<domainDN>" /G "<DOMAIN>\<ACCOUNT>:CA;Reset Password;user" "<DOMAIN>\<ACCOUNT>:WP;lockoutTime;user" "<DOMAIN>\<ACCOUNT>:WP;pwdLastSet;user" /I:S`,
    );
  });

  it("include gpupdate /force and Get-ADDefaultDomainPasswordPolicy for the policy step", () => {
    const scripts = (getStep("password-policy").scriptHints ?? []).map((h) => h.script).join("\n");
    expect(scripts).toContain("gpupdate /force");
    expect(scripts).toContain("Get-ADDefaultDomainPasswordPolicy");
  });

  it("avoid cmdlet parameters Microsoft does not document", () => {
    // Set-ADSyncAADCompanyFeature -PasswordWriteBack appears only in third-party posts; the wizard must not suggest it.
    for (const h of hints) expect(h.script).not.toMatch(/ADSyncAADCompanyFeature/);
  });

  it("revoke exactly the delegated entries: no dsacls /R, the right GUIDs, descendants only", () => {
    const revoke = (getStep("revoke-connector-permissions").scriptHints ?? [])
      .map((h) => h.script)
      .join("\n");
    expect(revoke).not.toMatch(/dsacls[^\n]*\/R/);
    expect(revoke).toContain("00299570-246d-11d0-a768-00aa006e0529");
    expect(revoke).toContain("28630ebf-41d5-11d1-a9c1-0000f80367c1");
    expect(revoke).toContain("bf967a0a-0de6-11d0-a285-00aa003049e2");
    expect(revoke).toContain("bf967aba-0de6-11d0-a285-00aa003049e2");
    expect(revoke).toContain("RemoveAccessRuleSpecific");
    expect(revoke).toContain("'Descendents'");
  });
});

// The product's sentences must be our own: no run of 8 words may match the original tutorial. Quoted UI labels and
// the GPO path are facts and are removed before comparing. The seed lives outside the repository: skipped when
// absent, a failure when REQUIRE_INTEGRATION=1.
const SEED = new URL("../../../../shared/seed/tutorial-enable-sspr-writeback.md", import.meta.url);
const seedFile = prerequisite(
  existsSync(SEED) ? null : `the seed tutorial ${fileURLToPath(SEED)} is missing`,
);

describe("own words", () => {
  const words = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, " ")
      .trim()
      .split(" ")
      .filter(Boolean);
  const shingles = (s: string, n: number) => {
    const w = words(s);
    const out = new Set<string>();
    for (let i = 0; i + n <= w.length; i++) out.add(w.slice(i, i + n).join(" "));
    return out;
  };

  it.skipIf(seedFile.skip)("shares no 8-word run with the seed tutorial", () => {
    seedFile.assertPresent();
    const seed = shingles(readFileSync(SEED, "utf8"), 8);
    const facts = [
      ...Object.values(PORTAL_LABELS),
      ...Object.values(CONNECT_WIZARD_LABELS),
      "Computer Configuration > Policies > Windows Settings > Security Settings > Account Policies > Password Policy",
    ];
    for (const step of ALL_STEPS) {
      let text = allText(step);
      // A sentinel word cannot occur in the seed, so no shingle spans a removed fact.
      for (const f of facts) text = text.split(f).join(" zzfactzz ");
      const copied = [...shingles(text, 8)].filter((s) => seed.has(s));
      expect(copied, step.id).toEqual([]);
    }
  });
});

// What Microsoft's current pages say, checked where the product says it (docs/microsoft-facts.md).
describe("Microsoft's current wording", () => {
  const portalSteps = ALL_STEPS.filter((s) => s.where === "entra-admin-center");

  it("asks at least a Hybrid Identity Administrator on the On-premises integration page", () => {
    for (const step of [...portalSteps, getStep("confirm-disabled")]) {
      const text = allText(step);
      expect(text, step.id).toMatch(/Hybrid Identity Administrator/);
      expect(text, step.id).not.toMatch(/Authentication Policy Administrator/);
      expect(step.who, step.id).toContain("hybrid-identity-admin");
    }
    expect(ROLES).not.toContain("authentication-policy-admin");
  });

  it("accepts any managed admin account in the Connect wizard, refusing only federated ones", () => {
    for (const id of ["connect-writeback", "disable-connect-writeback"] as const) {
      const text = allText(getStep(id));
      expect(text, id).not.toMatch(/cloud-only (Hybrid|account|\(not)/);
      expect(text, id).toMatch(/federated/);
      expect(text, id).toMatch(/password-hash-synchronised|managed/);
    }
    const pitfall = getStep("connect-writeback").pitfalls.find((p) => p.eventIds?.includes("32009"));
    expect(pitfall?.fix).toMatch(/cloud-only or password-hash-synchronised, not federated/);
  });

  it("judges domain controllers by the policy-hints control, not by a Windows Server 2016 requirement", () => {
    for (const step of ALL_STEPS) {
      const text = allText(step);
      expect(text, step.id).not.toMatch(/(requires?|must run|runs) Windows Server 2016 or later/);
      expect(text, step.id).not.toMatch(/on Windows Server 2016 or later that offer/);
    }
    const prereq = getStep("prerequisites");
    expect(instructionText(prereq)).toMatch(/supported Windows Server version/);
    expect(prereq.attestationPrompt).toMatch(/password-policy hints control/);
  });

  it("never suggests delegating the connector's rights on AdminSDHolder", () => {
    for (const step of ALL_STEPS) expect(allText(step), step.id).not.toMatch(/AdminSDHolder is possible/);
    expect(pitfallText(getStep("connector-permissions"))).toMatch(/by design/);
  });

  it("names the admin-reset events next to the self-service ones when resets continue after the clean-up", () => {
    const pitfall = getStep("confirm-disabled").pitfalls.find((p) => p.eventIds?.includes("31001"));
    expect(pitfall?.eventIds).toEqual(["31001", "31002", "31009", "31010", "31011"]);
    expect(pitfall?.recognise).toMatch(/31009\/31010 .*administrator/);
    const hint = getStep("confirm-disabled").scriptHints?.find((h) =>
      h.script.includes("PasswordResetService"),
    );
    for (const id of ["31001", "31002", "31009", "31010", "31011"]) expect(hint?.script).toContain(id);
  });
});

describe("Microsoft's page per step", () => {
  // Anchors are those of the pages' headings (or the explicit <a name> anchors they keep for old links).
  const PAGES: Record<string, readonly string[]> = {
    "authentication/tutorial-enable-sspr-writeback": [
      "prerequisites",
      "configure-account-permissions-for-azure-ad-connect",
      "enable-password-writeback-in-azure-ad-connect",
      "enable-password-writeback-for-sspr",
      "clean-up-resources",
    ],
    "authentication/concept-sspr-writeback": ["supported-writeback-operations"],
    "authentication/troubleshoot-sspr-writeback": ["password-writeback-event-log-error-codes"],
    "hybrid/connect/how-to-connect-configure-ad-ds-connector-account": ["permissions-for-password-writeback"],
  };

  it.each(ALL_STEPS.map((s) => [s.id, s] as const))(
    "%s links a Microsoft Learn article of entra-docs",
    (_id, step) => {
      expect(step.learnMore.title.trim()).not.toBe("");
      const url = new URL(step.learnMore.url);
      expect(url.protocol).toBe("https:");
      expect(url.host).toBe("learn.microsoft.com");
      expect(step.learnMore.url.startsWith("https://learn.microsoft.com/entra/identity/")).toBe(true);
      // Locale-free, so Learn serves the reader's language.
      expect(url.pathname).not.toMatch(/^\/[a-z]{2}-[a-z]{2}\//);
      const page = url.pathname.replace("/entra/identity/", "");
      expect(Object.keys(PAGES), page).toContain(page);
      expect(PAGES[page], url.hash).toContain(url.hash.slice(1));
    },
  );

  it("sends the portal steps to the tutorial's SSPR section and the clean-up steps to its clean-up section", () => {
    expect(getStep("sspr-writeback").learnMore.url).toMatch(/#enable-password-writeback-for-sspr$/);
    expect(getStep("disable-sspr-options").learnMore.url).toMatch(/#clean-up-resources$/);
    expect(getStep("disable-connect-writeback").learnMore.url).toMatch(/#clean-up-resources$/);
  });
});

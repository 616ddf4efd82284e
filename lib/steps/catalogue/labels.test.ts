import { describe, expect, it } from "vitest";
import {
  hasQuestionMarkVariant,
  labelMatches,
  labelWordings,
  normaliseLabel,
  otherWordings,
  PORTAL_LABELS,
  quotesLabel,
  splitByLabels,
} from "./labels";

// Microsoft's screens and pages name the same switch in several ways over the years: the product recognises every
// wording, with or without the trailing "?" (docs/microsoft-facts.md, "Labels and paths").

describe("portal labels", () => {
  it("use the current wording of the admin center", () => {
    expect(PORTAL_LABELS.pathNew).toBe("Entra ID > Password reset > On-premises integration");
    expect(PORTAL_LABELS.pathPrevious).toBe("Protection > Password reset > On-premises integration");
    expect(PORTAL_LABELS.pathOld).toBe("Azure Active Directory > Password reset > On-premises integration");
    expect(PORTAL_LABELS.writebackNew).toBe("Enable password write back for synced users");
    expect(PORTAL_LABELS.writebackOld).toBe("Write back passwords to your on-premises directory?");
    expect(PORTAL_LABELS.unlock).toBe("Allow users to unlock accounts without resetting their password");
    expect(PORTAL_LABELS.cloudSync).toBe("Write back passwords with Microsoft Entra Connect cloud sync");
  });
});

describe("tolerant label matching", () => {
  it("ignores a trailing question mark, case, curly quotes and spacing", () => {
    expect(normaliseLabel(" Allow users to unlock accounts without resetting their password? ")).toBe(
      normaliseLabel(PORTAL_LABELS.unlock),
    );
    expect(
      labelMatches(
        "allow users to unlock accounts  without resetting their password ?",
        PORTAL_LABELS.unlock,
      ),
    ).toBe(true);
    expect(
      labelMatches("Write back passwords to your on-premises directory", PORTAL_LABELS.writebackOld),
    ).toBe(true);
    expect(labelMatches("Entra ID>Password reset>On-premises integration", PORTAL_LABELS.pathNew)).toBe(true);
    expect(labelMatches("Allow users to unlock accounts", PORTAL_LABELS.unlock)).toBe(false);
  });

  it("treats old and new wordings of the writeback switch and of the path as the same label", () => {
    expect(labelMatches(PORTAL_LABELS.writebackOld, PORTAL_LABELS.writebackNew)).toBe(true);
    expect(
      labelMatches("Write back passwords to your on-premises directory", PORTAL_LABELS.writebackNew),
    ).toBe(true);
    expect(labelMatches(PORTAL_LABELS.pathOld, PORTAL_LABELS.pathNew)).toBe(true);
    expect(labelMatches(PORTAL_LABELS.pathPrevious, PORTAL_LABELS.pathOld)).toBe(true);
    expect(labelMatches(PORTAL_LABELS.cloudSync, PORTAL_LABELS.writebackNew)).toBe(false);
    expect(labelWordings(PORTAL_LABELS.writebackNew)).toEqual([
      PORTAL_LABELS.writebackNew,
      PORTAL_LABELS.writebackOld,
    ]);
    expect(otherWordings(PORTAL_LABELS.pathNew)).toEqual([PORTAL_LABELS.pathPrevious, PORTAL_LABELS.pathOld]);
    expect(otherWordings(PORTAL_LABELS.save)).toEqual([]);
    expect(hasQuestionMarkVariant(PORTAL_LABELS.unlock)).toBe(true);
    expect(hasQuestionMarkVariant("Write back passwords to your on-premises directory")).toBe(true);
    expect(hasQuestionMarkVariant(PORTAL_LABELS.save)).toBe(false);
  });

  it("finds a quoted label in a text with or without its question mark", () => {
    const old =
      "Switch on “Allow users to unlock accounts without resetting their password?” and press Save.";
    const now = "Switch on “Allow users to unlock accounts without resetting their password” and press Save.";
    for (const text of [old, now]) {
      expect(quotesLabel(text, PORTAL_LABELS.unlock)).toBe(true);
      expect(quotesLabel(text, "Allow users to unlock accounts without resetting their password?")).toBe(
        true,
      );
    }
    expect(splitByLabels(old, [PORTAL_LABELS.unlock, "Save"])).toEqual([
      { text: "Switch on “", label: false },
      { text: "Allow users to unlock accounts without resetting their password?", label: true },
      { text: "” and press ", label: false },
      { text: "Save", label: true },
      { text: ".", label: false },
    ]);
    // A text written against the old screen still has its switch recognised when the label list is the new one.
    expect(
      quotesLabel("Tick “Write back passwords to your on-premises directory?”.", PORTAL_LABELS.writebackNew),
    ).toBe(true);
    expect(quotesLabel("Nothing to see here.", PORTAL_LABELS.writebackNew)).toBe(false);
  });

  it("treats regular-expression characters in labels literally and keeps the text whole", () => {
    const text =
      "Open Entra ID > Password reset > On-premises integration (older: Azure Active Directory > Password reset > On-premises integration).";
    const segments = splitByLabels(text, [PORTAL_LABELS.pathNew]);
    expect(segments.map((s) => s.text).join("")).toBe(text);
    expect(segments.filter((s) => s.label).map((s) => s.text)).toEqual([
      PORTAL_LABELS.pathNew,
      PORTAL_LABELS.pathOld,
    ]);
    expect(splitByLabels("a (b) c", ["(b)"])).toEqual([
      { text: "a ", label: false },
      { text: "(b)", label: true },
      { text: " c", label: false },
    ]);
    expect(splitByLabels("plain", [])).toEqual([{ text: "plain", label: false }]);
  });
});

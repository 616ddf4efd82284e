import { describe, expect, it } from "vitest";
import {
  commonAncestor,
  containerOf,
  filterFindings,
  findingsCsv,
  groupFindings,
  shortDn,
  splitDn,
} from "./finding-groups";
import { type Finding } from "./types";

const legacy = (name: string): Finding => ({
  code: "inheritance-disabled",
  message: `Inheritance is disabled on ${name}.`,
  target: `CN=${name},OU=Legacy,OU=Corp,DC=contoso,DC=test`,
  severity: "error",
});

describe("grouping findings", () => {
  it("groups ten users under one OU into one line with the list behind it", () => {
    const findings = Array.from({ length: 10 }, (_, i) => legacy(`User ${i}`));
    const groups = groupFindings(findings);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.title).toBe("10 users under OU=Legacy: inheritance disabled");
    expect(groups[0]!.container).toBe("OU=Legacy,OU=Corp,DC=contoso,DC=test");
    expect(groups[0]!.findings.map((f) => f.target)).toEqual(findings.map((f) => f.target));
    expect(groups[0]!.severity).toBe("blocking");
  });

  it("groups one code across OUs under the container they share; severities and codes stay apart", () => {
    const groups = groupFindings([
      legacy("A"),
      legacy("B"),
      { ...legacy("C"), target: "CN=C,OU=Other,OU=Corp,DC=contoso,DC=test" },
      { ...legacy("D"), severity: "warning" },
      {
        code: "protected-account",
        message: "Protected.",
        target: "CN=Pat,OU=Legacy,OU=Corp,DC=contoso,DC=test",
        severity: "warning",
      },
    ]);
    expect(groups.map((g) => [g.title, g.severity, g.findings.length, g.container])).toEqual([
      ["3 users under OU=Corp: inheritance disabled", "blocking", 3, "OU=Corp,DC=contoso,DC=test"],
      ["Permission inheritance is disabled", "warning", 1, "OU=Legacy,OU=Corp,DC=contoso,DC=test"],
      ["Protected admin account", "warning", 1, "OU=Legacy,OU=Corp,DC=contoso,DC=test"],
    ]);
  });

  it("names the domain when the objects share nothing below it", () => {
    const [group] = groupFindings([
      legacy("A"),
      { ...legacy("B"), target: "CN=B,CN=Users,DC=contoso,DC=test" },
    ]);
    expect(group!.title).toBe("2 users under DC=contoso: inheritance disabled");
    expect(commonAncestor("OU=A,DC=x", "OU=B,DC=y")).toBe("");
  });

  it("never merges findings about a domain or the tenant, and sorts blocking, warning, information", () => {
    const groups = groupFindings([
      { code: "sspr-readiness", message: "3 of 6 users.", severity: "info" },
      {
        code: "missing-delegation",
        message: "54 users lack it.",
        target: "DC=contoso,DC=test",
        severity: "error",
      },
      {
        code: "missing-delegation",
        message: "3 users lack it.",
        target: "DC=fabrikam,DC=test",
        severity: "error",
      },
      { code: "role-needed", message: "You cannot.", severity: "warning" },
    ]);
    expect(groups.map((g) => g.code)).toEqual([
      "missing-delegation",
      "missing-delegation",
      "role-needed",
      "sspr-readiness",
    ]);
    expect(groups.every((g) => g.findings.length === 1)).toBe(true);
  });

  it("reads DNs with escaped commas", () => {
    expect(splitDn("CN=Smith\\, Ann,OU=Legacy,DC=x")).toEqual(["CN=Smith\\, Ann", "OU=Legacy", "DC=x"]);
    expect(containerOf("CN=Smith\\, Ann,OU=Legacy,DC=x")).toBe("OU=Legacy,DC=x");
    expect(containerOf("DC=contoso,DC=test")).toBeNull();
    expect(containerOf("contoso.test")).toBeNull();
    expect(containerOf(undefined)).toBeNull();
    expect(shortDn("OU=Legacy,DC=x")).toBe("OU=Legacy");
  });
});

describe("searching and exporting findings", () => {
  const findings = [
    legacy("Ann"),
    legacy("Bob"),
    { code: "protected-account", message: "Protected.", target: "CN=Pat,OU=Corp,DC=x" },
  ];

  it("filters by object, code or sentence, case-insensitively", () => {
    expect(filterFindings(findings, "bob").map((f) => f.target)).toEqual([findings[1]!.target]);
    expect(filterFindings(findings, "PROTECTED-account")).toHaveLength(1);
    expect(filterFindings(findings, "  ")).toHaveLength(3);
    expect(filterFindings(findings, "nobody")).toEqual([]);
  });

  it("exports CSV with a header, quoted cells and no formulas", () => {
    const csv = findingsCsv([
      {
        code: "protected-account",
        message: 'Say "hi", then go',
        target: "CN=Smith\\, Ann,DC=x",
        severity: "warning",
      },
      { code: "x-code", message: "=HYPERLINK(1)" },
    ]);
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe("severity,code,title,object,details");
    expect(lines[1]).toBe(
      'warning,protected-account,Protected admin account,"CN=Smith\\, Ann,DC=x","Say ""hi"", then go"',
    );
    expect(lines[2]).toBe("information,x-code,'=HYPERLINK(1),,'=HYPERLINK(1)");
    expect(lines[3]).toBe("");
  });
});

import { describe, expect, it } from "vitest";
import { psQuote } from "@/lib/verify/verdicts/directory-remediation";
import { GENERATOR_INPUTS, POWERSHELL_GENERATORS } from "./powershell-generators";
import {
  asPowerShellTokenizerSees,
  describeParseErrors,
  expectParsesAsPowerShell,
  parsePowerShell,
} from "./powershell";

// Every PowerShell script the product generates, for every input of GENERATOR_INPUTS, through a real PowerShell
// parser (tree-sitter-powershell): zero ERROR or MISSING nodes. The negative tests prove the harness notices a
// broken script, so a silent parser cannot make the generator tests pass.

describe("the PowerShell parser harness", () => {
  it("finds no error in a valid script", async () => {
    const { errors } = await parsePowerShell(
      "$ErrorActionPreference = 'Stop'\nforeach ($dn in @('a', 'b')) {\n  Get-ADObject -Identity $dn | Select-Object 'Name'\n}\n",
    );
    expect(errors).toEqual([]);
  });

  it.each([
    ["an unterminated single-quoted string", "Get-ADUser -Identity 'O'Brien'"],
    ["an unclosed block", "foreach ($x in $y) {\n  Write-Host $x\n"],
    ["an unclosed subexpression", "Write-Host $(Get-Date"],
    [
      "a value that closes its string and runs a command",
      "Set-ADUser -Identity 'x'; Remove-Item C:\\ -Recurse; 'y''",
    ],
    ["a typographic quote closing a single-quoted string", "Set-ADUser -Identity 'O’Neil'"],
    ["an unclosed hash literal", "$h = @{ a = 1"],
  ])("reports %s", async (_label, script) => {
    const { errors } = await parsePowerShell(script);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]?.line).toBeGreaterThanOrEqual(1);
  });

  it("names the line of the error", async () => {
    const script = "Write-Host 'one'\nWrite-Host 'two\nWrite-Host (3";
    const { errors } = await parsePowerShell(script);
    expect(describeParseErrors(script, errors)).toMatch(/at [23]:/);
  });

  it("sees typographic quotes and dashes as PowerShell's tokenizer does, position for position", () => {
    const input = "‘a’ ‚b‛ “c” „d —e –f ―g";
    const seen = asPowerShellTokenizerSees(input);
    expect(seen).toBe(`'a' 'b' "c" "d -e -f -g`);
    expect(seen.length).toBe(input.length);
  });

  // The known strictness of the grammar, kept visible: if a new grammar accepts bare-word lists this test says so.
  it("rejects a bare-word comma list as a command argument, and accepts the quoted list", async () => {
    expect((await parsePowerShell("Get-ADSyncConnector | Select-Object Name, Type")).errors).not.toEqual([]);
    expect((await parsePowerShell("Get-ADSyncConnector | Select-Object 'Name', 'Type'")).errors).toEqual([]);
  });
});

describe("psQuote", () => {
  it.each(["O'Brien", "O’Neil", "‘x‛", "a‚b", "'", "$(x)`"])(
    "keeps %s inside one single-quoted string",
    async (v) => {
      const quoted = psQuote(v);
      // The string token must be the whole argument: a parse of `Write-Output <quoted>` with one argument and no error.
      await expectParsesAsPowerShell(`Write-Output ${quoted}`);
      const { errors } = await parsePowerShell(`$v = ${quoted}; $w = 1`);
      expect(errors).toEqual([]);
    },
  );
});

describe("every generated PowerShell script parses", () => {
  for (const generator of POWERSHELL_GENERATORS) {
    for (const input of generator.fixed ? GENERATOR_INPUTS.slice(0, 1) : GENERATOR_INPUTS) {
      it(generator.fixed ? generator.name : `${generator.name}, ${input.label}`, async () => {
        const scripts = generator.scripts(input);
        expect(scripts.length, "the generator produced no PowerShell for this input").toBeGreaterThan(0);
        for (const [n, script] of scripts.entries()) {
          await expectParsesAsPowerShell(script, `${generator.name} script #${n + 1}`);
        }
      });
    }
  }
});

import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * Runs a command line tool (samba-tool, ldbadd, ldbsearch, ldbmodify), collecting its output (also written to
 * `logFile` when given); rejects with the tail of the output on a non-zero exit.
 */
export function runTool(command: string, args: string[], logFile?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const done = logFile ? writeFile(logFile, output, { mode: 0o600 }) : Promise.resolve();
      void done.finally(() => {
        if (code === 0) resolve(output);
        else
          reject(
            new Error(
              `${path.basename(command)} exited with ${code}:\n${output.split("\n").slice(-15).join("\n")}`,
            ),
          );
      });
    });
  });
}

/** Unfolds the LDIF the ldb tools print (RFC 2849: a line starting with one space continues the previous one). */
export function unfoldLdif(text: string): string {
  return text.replace(/\r?\n /g, "");
}

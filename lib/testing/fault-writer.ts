// A child process for the kill -9 fault suite (lib/server/faults.test.ts): opens the store named in argv[2] (JSON
// DatabaseConfig), then appends notes to run argv[3] as fast as it can, printing "ack <version>" after each commit.
// The parent kills it with SIGKILL at a random moment and checks that every acknowledged write is there.
import { createDatabase } from "@/lib/server/db";
import { RunsRepository } from "@/lib/server/runs-repository";

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? "{}") as { url?: string; file?: string };
  const runId = process.argv[3] ?? "";
  const handle = await createDatabase(config);
  const runs = new RunsRepository(handle.db);
  let run = await runs.get(runId);
  if (!run) throw new Error(`no run ${runId}`);
  process.stdout.write("ready\n");
  for (;;) {
    const outcome = await runs.update(run.id, run.version, (current) => ({
      events: [
        {
          actor: "fault-writer",
          type: "note",
          stepId: null,
          summary: `write ${current.version + 1}`,
          detail: { version: current.version + 1 },
        },
      ],
    }));
    if (!outcome.ok) throw new Error(`update refused: ${outcome.reason}`);
    run = outcome.run;
    process.stdout.write(`ack ${run.version}\n`);
  }
}

void main();

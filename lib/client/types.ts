import { type StepId } from "@/lib/steps/ids";
import { type Flow, type StepState } from "@/lib/steps/types";

// The run as the API returns it (mirrors RunView on the server, which the client must not import).

export interface ClientRunEvent {
  id: number;
  at: string;
  actor: string;
  type: string;
  stepId: StepId | null;
  summary: string;
}

export interface ClientRun {
  id: string;
  flow: Flow;
  mode: "sandbox" | "live";
  title: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  steps: Partial<Record<StepId, StepState>>;
  events: ClientRunEvent[];
}

export interface ApiErrorBody {
  error: { code: string; message: string; requestId?: string };
  current?: ClientRun;
}

import { serveSandboxGraph } from "@/lib/server/sandbox-graph";

export const GET = serveSandboxGraph;
export const POST = serveSandboxGraph;

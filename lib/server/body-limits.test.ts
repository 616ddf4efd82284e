import { describe, expect, it } from "vitest";
import { readBodyLimited, readLimitedText } from "./http";
import { ApiError } from "./api-error";

// Reading a request body is bounded in size and in time: a declared length over the limit is refused before a
// byte is read, and a body that stops arriving (a Content-Length larger than what is sent) ends in a prompt 4xx
// instead of holding the connection.

function stalled(first: string): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(first));
      // …and nothing more, ever.
    },
  });
}

function requestWith(body: ReadableStream<Uint8Array> | string, headers: Record<string, string> = {}) {
  return new Request("http://localhost/x", { method: "POST", body, headers, duplex: "half" } as RequestInit);
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("readBodyLimited", () => {
  it("refuses a declared length over the limit at once, without reading", async () => {
    const request = requestWith(stalled("x"), { "content-length": String(300 * 1024 * 1024) });
    const started = Date.now();
    const error = await failure(readBodyLimited(request, { limit: 1024, idleTimeoutMs: 5000 }));
    expect(error.status).toBe(413);
    expect(Date.now() - started).toBeLessThan(500);
    expect(request.bodyUsed).toBe(false);
  });

  it("answers 400 promptly when the body stops arriving before its end", async () => {
    const started = Date.now();
    const error = await failure(
      readBodyLimited(requestWith(stalled('{"a":'), { "content-length": "1000" }), {
        limit: 64 * 1024,
        idleTimeoutMs: 300,
      }),
    );
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/stopped arriving/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("bounds the whole read as well as each pause", async () => {
    // A trickle: a byte every 50 ms never trips the idle timeout, the total does.
    let timer: ReturnType<typeof setInterval> | undefined;
    const trickle = new ReadableStream<Uint8Array>({
      start(controller) {
        timer = setInterval(() => controller.enqueue(new Uint8Array([32])), 50);
      },
      cancel() {
        clearInterval(timer);
      },
    });
    const started = Date.now();
    const error = await failure(
      readBodyLimited(requestWith(trickle), { limit: 64 * 1024, idleTimeoutMs: 1000, totalTimeoutMs: 600 }),
    );
    clearInterval(timer);
    expect(error.status).toBe(400);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("refuses a body that grows past the limit without a declared length", async () => {
    const error = await failure(readLimitedText(requestWith("x".repeat(2048)), 1024));
    expect(error.status).toBe(413);
  });

  it("reads an ordinary body", async () => {
    expect(await readLimitedText(requestWith('{"a":1}'), 1024)).toBe('{"a":1}');
  });
});

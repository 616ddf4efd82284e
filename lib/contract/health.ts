/** GET /api/health: the instance answers and reaches its database. 503 with `database: "unreachable"` when not. */
export interface HealthResponse {
  status: "ok" | "unavailable";
  database: "ok" | "unreachable";
}

// Stand-in for the `server-only` marker package under Vitest (plain Node, no RSC bundler).
export {};

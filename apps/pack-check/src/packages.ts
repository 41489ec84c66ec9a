/**
 * The published packages the tarball check installs: every public package of the workspace (the
 * test checks that none is missing). Each is also a workspace devDependency, so turbo builds it
 * first; `consumer/` uses each of them.
 */
export const PACKED_PACKAGES = [
  "@switchboard/core",
  "@switchboard/server-ws",
  "@switchboard/server-uws",
  "@switchboard/server-bun",
  "@switchboard/client-node",
  "@switchboard/client-browser",
  "@switchboard/pubsub-redis",
  "@switchboard/conformance",
] as const;

/**
 * Registry packages the consumer itself uses, pinned to the workspace's versions: a ws client for
 * the raw round trip, and Node's types, which a TypeScript project on Node has (core's declarations
 * use globals such as URLSearchParams).
 */
export const CONSUMER_DEPENDENCIES = ["ws", "@types/node"] as const;

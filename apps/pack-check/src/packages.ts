/**
 * The published packages the tarball check installs. To check another package, add its name here
 * (and as a workspace devDependency, so turbo builds it first), then use it in `consumer/`.
 */
export const PACKED_PACKAGES = ["@switchboard/core", "@switchboard/server-ws"] as const;

/**
 * Registry packages the consumer itself uses, pinned to the workspace's versions: a ws client for
 * the round trip, and Node's types, which a TypeScript project on Node has (core's declarations
 * use globals such as URLSearchParams).
 */
export const CONSUMER_DEPENDENCIES = ["ws", "@types/node"] as const;

export { RECOVERED_ELSEWHERE } from "./handoff.js";
export { DEFAULT_RECOVERY, type RecoveryOptions, resolveRecovery } from "./options.js";
export { Recovery } from "./registry.js";

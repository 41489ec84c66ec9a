export { DEFAULT_RECOVERY, type RecoveryOptions, resolveRecovery } from "./options.js";
export { Recovery } from "./registry.js";

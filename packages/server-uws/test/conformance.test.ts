import { serverConformance } from "@switchboard/conformance";
import { uwsBackend } from "../src/index.js";

serverConformance({ name: "uws", backend: () => uwsBackend() });

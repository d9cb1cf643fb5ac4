export { cmpDiscover, cmpGenerate, DISCOVER_FILES, type CmpIO } from "./generate.js";
export { runCmp } from "./main.js";
export {
  CMP_PARAMETERS,
  inferEnvironment,
  paramVariable,
  readCmpRequest,
  type CmpRequest,
} from "./request.js";

/** The engine: one way from an intent directory to validated objects, for every command. */
export { openProject, Project } from "./project.js";
export type {
  AppBuild,
  AppBuilds,
  BuildOptions,
  EnvironmentBuild,
  OpenProjectOptions,
  ProjectBuild,
} from "./project.js";
export { InvalidInputError, loadValidation, mergeContexts } from "./validation.js";
export type { ValidationSetup, ValidationSetupOptions } from "./validation.js";
export { appContext } from "./context.js";
export { buildFleet, failureError, findIntentDirs, runFleetJob } from "./fleet.js";
export type { FleetApp, FleetEnvironment, FleetJob, FleetOptions } from "./fleet.js";
export { BuildCache, cacheDirFromEnv, treeHash } from "./cache.js";

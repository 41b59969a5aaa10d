/**
 * The composition root: settings validated once, then the long-lived services built lazily
 * and shared by every function invocation and CLI command in the process.
 */
import { fromAppRoot } from './config/app-root.js';
import { loadSettings, type Settings } from './config/settings.js';
import { FaceAnalyzer } from './vision/face-analyzer.js';

export class Services {
  private analyzerInstance?: FaceAnalyzer;

  constructor(readonly settings: Settings) {}

  get analyzer(): FaceAnalyzer {
    this.analyzerInstance ??= FaceAnalyzer.fromManifestFile(fromAppRoot(this.settings.FRS_MODEL_MANIFEST), this.settings);
    return this.analyzerInstance;
  }
}

let shared: Services | undefined;

/** Process-wide services from the environment; throws CONFIG_INVALID naming bad settings. */
export function getServices(): Services {
  shared ??= new Services(loadSettings());
  return shared;
}

/** Tests swap in services built from their own settings. */
export function setServices(services: Services | undefined): void {
  shared = services;
}

export { consumerProject, outsiderEnvironment, packLibraries, packedManifest } from './packed-project';
export type { PackedLibrary } from './packed-project';

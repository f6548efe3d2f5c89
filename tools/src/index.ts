export { orgmetaExecutable } from './orgmeta-cli';

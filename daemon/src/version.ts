import pkg from '../../package.json';

/** The daemon's version, from package.json (inlined by the bundler). */
export const VERSION: string = pkg.version;

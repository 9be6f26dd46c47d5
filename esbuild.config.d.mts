// Types for esbuild.config.mjs, so TypeScript tests can import its options.
import type { BuildOptions } from 'esbuild';

export declare function pluginOptions(options?: { watch?: boolean }): BuildOptions;
export declare function daemonOptions(): BuildOptions;
export declare const DAEMON_ENTRY: string;
export declare function build(targets?: Array<'plugin' | 'daemon'>, options?: { watch?: boolean }): Promise<void>;

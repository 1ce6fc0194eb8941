// Types of scripts/elf.mjs for the TypeScript tests.
export declare const ELF_MACHINES: { x64: number; arm64: number };
export declare const MAX_GLIBC: string;
export declare function elfHeader(path: string): { type: number; machine: number };
export declare function dynamicExports(path: string): string[];
export declare function neededLibraries(path: string): string[];
export declare function glibcVersionsNeeded(path: string): string[];
export declare function compareVersions(a: string, b: string): number;

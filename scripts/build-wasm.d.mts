/** Types of the build script's exports, for the test that checks the generated module is fresh. */
export declare const GENERATED: string;
export declare function sourceHash(): string;
export declare function recordedHash(): string | undefined;

// The world simulation engine: pure TypeScript, no Nest, no I/O.
export {};

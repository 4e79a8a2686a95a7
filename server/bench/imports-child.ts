// Runs the imports bench in this process (its size from BENCH_IMPORTS_ROWS) and prints its answer last.
const { default: bench } = await import('./imports.bench.js');
const answer = await bench.run();
console.log(`\n@@result ${JSON.stringify(answer)}`);
process.exit(0);
export {};

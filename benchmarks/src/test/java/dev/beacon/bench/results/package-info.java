/**
 * The one result format of every benchmark part: {@link dev.beacon.bench.results.BenchResult} JSON files under
 * {@code benchmarks/target/results/}, each with the {@link dev.beacon.bench.results.Machine} it was measured on.
 */
package dev.beacon.bench.results;

/**
 * JMH bounds and per-record stages of issue 9, run by {@link dev.beacon.bench.jmh.BoundsRunner} (one thread each:
 * every number is per core). Results, as {@link dev.beacon.bench.results.BenchResult} files named:
 *
 * <ul>
 *   <li>{@code jmh.RsaUnwrap.unwrap.<keyBits>.<provider>}: RSA-OAEP-SHA1 unwraps/s of a 32-byte data key, provider
 *       {@code SunJCE}, {@code BC} or {@code ACCP} (only where Amazon Corretto Crypto Provider's native library loads);
 *   <li>{@code jmh.Jackson.readNotification}, {@code jmh.Jackson.readChatMessage}: readTree/s of Graph's encrypted
 *       collection JSON and of the decrypted chatMessage;
 *   <li>{@code jmh.Triage.operator.<keyBits>}: notifications/s through the job's triage operator (Flink harness),
 *       real RSA; {@code jmh.Triage.classes.<keyBits>}: the same classes called directly;
 *   <li>{@code jmh.AfterDecryption.triage} (triage with decryption excluded), {@code .dedupNew} (first sight of a
 *       message), {@code .dedup} (a redelivery, harness overhead included), {@code .callerCalls} (the correlator's
 *       decision on a new message), and the derived {@code .perNotification}: everything after decryption per
 *       notification with 1 % emergencies, for the 50,000/s per core target.
 * </ul>
 */
package dev.beacon.bench.jmh;

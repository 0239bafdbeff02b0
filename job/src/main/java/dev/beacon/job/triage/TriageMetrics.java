package dev.beacon.job.triage;

import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.contracts.crypto.DataKeyCache;
import dev.beacon.job.verify.RichNotificationDecryptor;
import java.util.EnumMap;
import java.util.function.LongSupplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/** Triage's counters, registered once in {@code open()}. Dead letters are counted per reason. */
final class TriageMetrics {

    final Counter recordsIn;
    final Counter notificationsIn;
    final Counter validationSkipped;
    final Counter lifecycleForwarded;
    final Counter needsHydration;
    final Counter ignored;
    final Counter emergencyMatches;
    final Counter decryptFailures;
    final Counter fetchedMessagesIn;
    /** Graph emergency call events decrypted, parsed and sent on to correlation. */
    final Counter emergencyCallEvents;
    /** ACS IncomingCall events sent on to the security-line stage. */
    final Counter incomingCalls;
    /** Azure events of a type Beacon does not act on (audited {@code ignored} with the type as the reason). */
    final Counter azureEventsIgnored;
    final Counter deadLetters;
    private final EnumMap<DeadLetterReason, Counter> deadLettersByReason = new EnumMap<>(DeadLetterReason.class);

    TriageMetrics(MetricGroup group) {
        recordsIn = group.counter("recordsIn");
        notificationsIn = group.counter("notificationsIn");
        validationSkipped = group.counter("validationSkipped");
        lifecycleForwarded = group.counter("lifecycleForwarded");
        needsHydration = group.counter("needsHydration");
        ignored = group.counter("ignored");
        emergencyMatches = group.counter("emergencyMatches");
        decryptFailures = group.counter("decryptFailures");
        fetchedMessagesIn = group.counter("fetchedMessagesIn");
        emergencyCallEvents = group.counter("emergencyCallEvents");
        incomingCalls = group.counter("incomingCalls");
        azureEventsIgnored = group.counter("azureEventsIgnored");
        deadLetters = group.counter("deadLetters");
        MetricGroup byReason = group.addGroup("deadLetterReason");
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLettersByReason.put(reason, byReason.addGroup(reason.label()).counter("deadLetters"));
        }
    }

    /**
     * What decrypts: gauge {@code cryptoProviderNative} (1 when a native provider does the RSA unwrap, else 0),
     * gauge {@code cryptoProviderPerJobCopy} (1 when that is the job jar's own copy in this job's class loader, which
     * costs a native library copy and a class loader per job submission on a TaskManager; 0 when it is loaded once
     * per JVM from Flink's lib/, or none is used) and the data-key cache's {@code dataKeyCacheHits} and {@code dataKeyCacheMisses} (both 0 while it is disabled).
     */
    void decryption(MetricGroup group, RichNotificationDecryptor decryptor) {
        int nativeProvider = decryptor.nativeProvider() ? 1 : 0;
        group.gauge("cryptoProviderNative", () -> nativeProvider);
        int perJobCopy = decryptor.nativeProviderPerJobCopy() ? 1 : 0;
        group.gauge("cryptoProviderPerJobCopy", () -> perJobCopy);
        DataKeyCache cache = decryptor.cache();
        group.counter("dataKeyCacheHits", new ReadOnlyCounter(cache::hits));
        group.counter("dataKeyCacheMisses", new ReadOnlyCounter(cache::misses));
    }

    /** A Flink counter over a count kept elsewhere (the cache lives in contracts, which knows no Flink). */
    private static final class ReadOnlyCounter implements Counter {
        private final LongSupplier count;

        ReadOnlyCounter(LongSupplier count) {
            this.count = count;
        }

        @Override
        public void inc() {
            throw new UnsupportedOperationException("read-only");
        }

        @Override
        public void inc(long n) {
            throw new UnsupportedOperationException("read-only");
        }

        @Override
        public void dec() {
            throw new UnsupportedOperationException("read-only");
        }

        @Override
        public void dec(long n) {
            throw new UnsupportedOperationException("read-only");
        }

        @Override
        public long getCount() {
            return count.getAsLong();
        }
    }

    void deadLetter(DeadLetterReason reason) {
        deadLetters.inc();
        deadLettersByReason.get(reason).inc();
    }
}

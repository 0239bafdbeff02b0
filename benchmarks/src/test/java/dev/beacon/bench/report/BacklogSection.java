package dev.beacon.bench.report;

import dev.beacon.bench.results.BenchResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The time to drain a one-day backlog (Beacon down for a day, or a replay of one) at the rates measured in the run,
 * set against Event Hubs' egress limit of about 4,096 events/s per throughput unit. Computed, not measured: the daily
 * volume is an assumption, so the table spans a range.
 */
final class BacklogSection {

    static final double EVENT_HUBS_EGRESS_PER_TU = 4_096;
    static final List<Long> DAILY_VOLUMES = List.of(1_000_000L, 10_000_000L, 100_000_000L,
            (long) (EVENT_HUBS_EGRESS_PER_TU * 86_400));

    private final Results results;

    BacklogSection(Results results) {
        this.results = results;
    }

    record Rate(String what, double perSecond) {}

    List<Rate> rates() {
        List<Rate> rates = new ArrayList<>();
        rates.add(new Rate("Event Hubs egress, 1 throughput unit", EVENT_HUBS_EGRESS_PER_TU));
        for (String name : List.of("system.kafka.p2", "system.kafka.p1", "system.replay.p2", "system.baseline")) {
            // A drain is a long run: the steady rate where there is one (not the baseline's).
            Optional<Double> v = results.steady(name).or(() -> results.value(name));
            String how = results.steady(name).isPresent() ? "measured, steady: " : "measured: ";
            v.ifPresent(x -> rates.add(new Rate(how + name.substring(7), x)));
        }
        int cores = results.machine().cores();
        Optional<BenchResult> rsa = results.fastestRsa(2048);
        rsa.ifPresent(r -> rates.add(new Rate("bound: " + cores + " cores × fastest RSA-2048 unwrap",
                cores * Results.perCore(r))));
        return rates;
    }

    void write(Markdown md) {
        md.line("### Backlog: draining one day of notifications").blank();
        md.line("Time to process a day's notifications that waited (an outage, a replay), at each rate, for assumed "
                + "daily volumes (one notification per chat message per subscribed desk member; the last column is the "
                + "most one Event Hubs throughput unit can deliver in a day, 4,096/s × 86,400 s). Reading from Event "
                + "Hubs, the drain rate is min(Beacon's rate, throughput units × 4,096/s); new traffic arriving "
                + "meanwhile lengthens it by the factor rate / (rate − arrival rate).").blank();
        List<String> columns = new ArrayList<>(List.of("rate", "notifications/s", "throughput units it keeps up with"));
        DAILY_VOLUMES.forEach(v -> columns.add(volume(v) + "/day"));
        md.header(columns, 1);
        for (Rate r : rates()) {
            List<Object> row = new ArrayList<>(List.of(r.what(), Markdown.count(r.perSecond()),
                    String.format(Locale.ROOT, "%.2f", r.perSecond() / EVENT_HUBS_EGRESS_PER_TU)));
            DAILY_VOLUMES.forEach(v -> row.add(Markdown.duration(v / r.perSecond())));
            md.row(row.toArray());
        }
        md.blank();
    }

    private static String volume(long v) {
        return v % 1_000_000 == 0 ? (v / 1_000_000) + " M" : String.format(Locale.ROOT, "%.0f M", v / 1e6);
    }
}

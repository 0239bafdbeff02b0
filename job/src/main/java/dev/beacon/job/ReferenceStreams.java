package dev.beacon.job;

import dev.beacon.job.reference.ReferenceTypes;
import dev.beacon.job.reference.ReferenceUpdate;
import dev.beacon.job.ingest.RawRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.Collector;

/**
 * The reference data split by kind: directory users (to the UPN index and, keyed by user, to the correlator),
 * sites (broadcast to the correlator) and security lines (broadcast to the security-line stage). Without
 * reference data each is an empty stream, so the topology (and its operator ids) is the same either way.
 */
record ReferenceStreams(
        DataStream<ReferenceUpdate> directoryUsers,
        DataStream<ReferenceUpdate> sites,
        DataStream<ReferenceUpdate> securityLines) {

    static final TypeInformation<ReferenceUpdate> TYPE = ReferenceTypes.UPDATE;

    /** @param updates the reference data, or null when the job has none */
    static ReferenceStreams split(DataStream<ReferenceUpdate> updates, DataStream<RawRecord> records) {
        // Derived from the records rather than an empty source: Flink's fromData rejects an empty collection, and
        // a stream that lives as long as the records keeps the job's checkpoints unaffected.
        DataStream<ReferenceUpdate> all = updates != null ? updates
                : records.flatMap((RawRecord r, Collector<ReferenceUpdate> out) -> { }).returns(TYPE)
                        .name("no-reference-data").uid("no-reference-data");
        return new ReferenceStreams(
                of(all, ReferenceUpdate.Kind.DIRECTORY_USER, "reference-directory-users"),
                of(all, ReferenceUpdate.Kind.SITE, "reference-sites"),
                of(all, ReferenceUpdate.Kind.SECURITY_LINE, "reference-security-lines"));
    }

    private static DataStream<ReferenceUpdate> of(DataStream<ReferenceUpdate> all, ReferenceUpdate.Kind kind,
            String name) {
        return all.filter(u -> u.kind == kind).returns(TYPE).name(name).uid(name);
    }
}

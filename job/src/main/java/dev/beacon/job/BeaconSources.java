package dev.beacon.job;

import dev.beacon.job.ingest.RawRecord;
import dev.beacon.job.reference.ReferenceUpdate;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The job's inputs: the notification records, and optionally the control plane's reference data (directory users,
 * sites, security lines: {@code reference/ReferenceData}; absent when not configured and in tests that do not need
 * it). Graph's emergency call events and ACS calls come with the records; triage tells them apart.
 */
public final class BeaconSources {

    final DataStream<RawRecord> records;
    DataStream<ReferenceUpdate> referenceData;

    private BeaconSources(DataStream<RawRecord> records) {
        this.records = records;
    }

    public static BeaconSources of(DataStream<RawRecord> records) {
        return new BeaconSources(records);
    }

    /**
     * The reference-data updates, all three kinds in one stream; null: none. When it is the decoding operator of
     * {@code ReferenceData}, its dead letters join the job's.
     */
    public BeaconSources referenceData(DataStream<ReferenceUpdate> updates) {
        this.referenceData = updates;
        return this;
    }
}

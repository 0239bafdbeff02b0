package dev.beacon.job;

import dev.beacon.job.emergencyevents.EmergencyCallEvent;
import dev.beacon.job.ingest.RawRecord;
import dev.beacon.job.reference.ReferenceUpdate;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The job's inputs: the notification records, and optionally the control plane's reference data (directory users,
 * sites, security lines; absent in replay mode and in tests that do not need it). Tests may also feed Graph
 * emergency call events directly, next to those triage decodes from the records.
 */
public final class BeaconSources {

    final DataStream<RawRecord> records;
    DataStream<ReferenceUpdate> referenceData;
    DataStream<EmergencyCallEvent> emergencyCallEvents;

    private BeaconSources(DataStream<RawRecord> records) {
        this.records = records;
    }

    public static BeaconSources of(DataStream<RawRecord> records) {
        return new BeaconSources(records);
    }

    /** The reference-data updates ({@code reference/} source), all three kinds in one stream. */
    public BeaconSources referenceData(DataStream<ReferenceUpdate> updates) {
        this.referenceData = updates;
        return this;
    }

    /** Emergency call events that do not come through triage (tests). */
    public BeaconSources emergencyCallEvents(DataStream<EmergencyCallEvent> events) {
        this.emergencyCallEvents = events;
        return this;
    }
}

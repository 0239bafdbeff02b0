package dev.beacon.job.reference;

import dev.beacon.contracts.records.ContractFormatException;
import dev.beacon.job.audit.AuditTrail;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.job.ingest.RawRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decodes reference records ({@link ReferenceDecoder}). A record that breaks the contract becomes a dead letter
 * ({@link AuditTrail#DEAD_LETTERS}, reason {@code invalid_reference_record}) and the {@code referenceDeadLetters}
 * counter goes up; the job goes on. The dead letter names the position and the field at fault but holds no value:
 * reference data is personal data, and the control plane can publish the record again.
 */
public final class ReferenceDecodeFunction extends ProcessFunction<RawRecord, ReferenceUpdate> {

    private static final long serialVersionUID = 1L;

    private final ReferenceSettings settings;
    private transient ReferenceDecoder decoder;
    private transient Counter updates;
    private transient Counter deadLetters;

    public ReferenceDecodeFunction(ReferenceSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        decoder = new ReferenceDecoder(settings);
        updates = getRuntimeContext().getMetricGroup().counter("referenceUpdates");
        deadLetters = getRuntimeContext().getMetricGroup().counter("referenceDeadLetters");
    }

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<ReferenceUpdate> out) {
        String detail;
        try {
            out.collect(decoder.decode(record.topic(), record.key(), record.value()));
            updates.inc();
            return;
        } catch (ContractFormatException e) {
            detail = e.getMessage();
        } catch (RuntimeException e) {
            // A defect must not stop the job on one record either; the class names it, the message could quote data.
            detail = "unexpected " + e.getClass().getSimpleName();
        }
        deadLetters.inc();
        ctx.output(AuditTrail.DEAD_LETTERS, new DeadLetter(record.ref(), DeadLetterReason.INVALID_REFERENCE_RECORD,
                detail, "", false, System.currentTimeMillis()));
    }
}

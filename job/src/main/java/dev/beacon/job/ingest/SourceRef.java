package dev.beacon.job.ingest;

/**
 * Where one notification came from: the Kafka record (or capture-file line) and its position inside a Graph
 * collection. Together these four fields identify a notification uniquely and deterministically, so audit and
 * dead-letter rows can be upserted idempotently when a record is replayed after a restart.
 *
 * @param source          topic name, or the capture file's name in replay mode
 * @param partition       Kafka partition (0 in replay mode)
 * @param offset          Kafka offset, or the 1-based line number in replay mode
 * @param itemIndex       index in the record's {@code value[]} (or CloudEvents batch); -1 for the record as a whole
 * @param ingestedAtMillis when the record entered the hub (Kafka timestamp); 0 when unknown
 */
public record SourceRef(String source, int partition, long offset, int itemIndex, long ingestedAtMillis) {

    public static final int WHOLE_RECORD = -1;

    public SourceRef forItem(int index) {
        return new SourceRef(source, partition, offset, index, ingestedAtMillis);
    }

    @Override
    public String toString() {
        return source + "/" + partition + "@" + offset + "#" + itemIndex;
    }
}

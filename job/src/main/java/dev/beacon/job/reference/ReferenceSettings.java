package dev.beacon.job.reference;

import dev.beacon.job.config.BeaconOptions;
import java.io.Serializable;
import java.util.List;
import org.apache.flink.configuration.Configuration;

/**
 * Which topic carries which kind of reference data ({@code reference.*-topic}, defaulting to
 * {@link dev.beacon.contracts.records.ReferenceTopics}). Decoding dispatches on the record's topic with it.
 */
public record ReferenceSettings(String directoryTopic, String sitesTopic, String securityLinesTopic)
        implements Serializable {

    public static ReferenceSettings from(Configuration conf) {
        return new ReferenceSettings(conf.get(BeaconOptions.REFERENCE_DIRECTORY_TOPIC),
                conf.get(BeaconOptions.REFERENCE_SITES_TOPIC), conf.get(BeaconOptions.REFERENCE_SECURITY_LINES_TOPIC));
    }

    /** The defaults: the contract's topic names. */
    public static ReferenceSettings defaults() {
        return from(new Configuration());
    }

    public List<String> topics() {
        return List.of(directoryTopic, sitesTopic, securityLinesTopic);
    }

    /** The kind of record a topic carries, or null for a topic that is none of the three. */
    public ReferenceUpdate.Kind kindOf(String topic) {
        if (topic == null) {
            return null;
        }
        if (topic.equals(directoryTopic)) {
            return ReferenceUpdate.Kind.DIRECTORY_USER;
        }
        if (topic.equals(sitesTopic)) {
            return ReferenceUpdate.Kind.SITE;
        }
        if (topic.equals(securityLinesTopic)) {
            return ReferenceUpdate.Kind.SECURITY_LINE;
        }
        return null;
    }
}

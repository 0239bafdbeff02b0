package dev.beacon.control.testing;

import dev.beacon.testing.KafkaFixture;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One in-process Kafka broker ({@link KafkaFixture}) per test class, started before its first test and stopped
 * after its last, like sql's {@code PostgresFixture}:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaBroker KAFKA = new KafkaBroker();
 * ... KAFKA.get().createTopic(...)
 * }</pre>
 */
public final class KafkaBroker implements BeforeAllCallback, AfterAllCallback {

    private KafkaFixture kafka;

    @Override
    public void beforeAll(ExtensionContext context) {
        kafka = KafkaFixture.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        KafkaFixture k = kafka;
        kafka = null;
        if (k != null) {
            k.close();
        }
    }

    /** The running broker; only between the class's first and last test. */
    public KafkaFixture get() {
        if (kafka == null) {
            throw new IllegalStateException("the broker runs only while the test class does");
        }
        return kafka;
    }
}

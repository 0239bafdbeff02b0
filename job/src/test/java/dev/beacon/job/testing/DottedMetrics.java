package dev.beacon.job.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;

/**
 * Keeps every metric an operator registers, including those in subgroups, by dotted name
 * ({@code deadLetterReason.missing_tenant.deadLetters}). Pass {@link #environment()} to the harness.
 */
public final class DottedMetrics extends UnregisteredMetricGroups.UnregisteredTaskMetricGroup {

    private final Map<String, Metric> metrics = new HashMap<>();

    @Override
    public InternalOperatorMetricGroup getOrAddOperator(
            OperatorID operatorID, String name, Map<String, String> additionalVariables) {
        return new Group(metrics, "");
    }

    public MockEnvironment environment() {
        return new MockEnvironmentBuilder().setMetricGroup(this).build();
    }

    public long count(String name) {
        Metric m = metrics.get(name);
        assertThat(m).as("counter %s", name).isInstanceOf(Counter.class);
        return ((Counter) m).getCount();
    }

    private static final class Group extends UnregisteredMetricGroups.UnregisteredOperatorMetricGroup {
        private final Map<String, Metric> metrics;
        private final String prefix;

        Group(Map<String, Metric> metrics, String prefix) {
            this.metrics = metrics;
            this.prefix = prefix;
        }

        @Override
        protected void addMetric(String name, Metric metric) {
            if (metrics != null) { // null while the superclass registers its own I/O metrics
                metrics.put(prefix + name, metric);
            }
        }

        @Override
        public MetricGroup addGroup(String name) {
            return new Group(metrics, prefix + name + ".");
        }
    }
}

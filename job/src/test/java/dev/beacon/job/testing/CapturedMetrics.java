package dev.beacon.job.testing;

import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;

/**
 * Keeps the metrics an operator registers in a test harness so tests can assert on them. Pass
 * {@link #environment()} to the harness constructor and close that environment after the harness.
 */
public final class CapturedMetrics extends UnregisteredMetricGroups.UnregisteredTaskMetricGroup {

    private final InterceptingOperatorMetricGroup operator = new InterceptingOperatorMetricGroup();

    @Override
    public InternalOperatorMetricGroup getOrAddOperator(
            OperatorID operatorID, String name, Map<String, String> additionalVariables) {
        return operator;
    }

    /** A mock task environment whose operators register their metrics here. */
    public MockEnvironment environment() {
        return new MockEnvironmentBuilder().setMetricGroup(this).build();
    }

    public long count(String counterName) {
        return metric(counterName, Counter.class).getCount();
    }

    public Object gaugeValue(String gaugeName) {
        return metric(gaugeName, Gauge.class).getValue();
    }

    public Histogram histogram(String histogramName) {
        return metric(histogramName, Histogram.class);
    }

    private <M extends Metric> M metric(String name, Class<M> type) {
        Metric m = operator.get(name);
        if (m == null) {
            throw new AssertionError("no metric registered under " + name);
        }
        return type.cast(m);
    }
}

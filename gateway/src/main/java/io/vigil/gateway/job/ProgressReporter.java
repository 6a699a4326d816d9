package io.vigil.gateway.job;

import io.vigil.pipelines.PipelineMetrics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.Scheduled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Flink metric reporter that logs one progress line per interval with the pipelines' counters
 * summed over all operators of this process: messages in, readings windowed, windows scored, events
 * out, dead letters and late readings. Configured by {@link Gateway}; on a Flink cluster each task
 * manager logs its own share.
 */
public final class ProgressReporter implements MetricReporter, Scheduled {

    private static final Logger LOG = LoggerFactory.getLogger("io.vigil.progress");
    private static final Map<String, Long> LATEST = new ConcurrentHashMap<>();

    private final Map<String, List<Counter>> counters = new ConcurrentHashMap<>();
    private long lastMessages;
    private long lastNanos = System.nanoTime();

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (metric instanceof Counter counter
                && group.getAllVariables().containsKey("<" + PipelineMetrics.PIPELINE + ">")) {
            counters.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(counter);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        List<Counter> list = counters.get(name);
        if (list != null) {
            list.remove(metric);
        }
    }

    @Override
    public void report() {
        long messages = sum(PipelineMetrics.MESSAGES_IN);
        long now = System.nanoTime();
        double rate = (messages - lastMessages) / Math.max(1e-9, (now - lastNanos) / 1e9);
        lastMessages = messages;
        lastNanos = now;
        for (String name : counters.keySet()) {
            LATEST.put(name, sum(name));
        }
        LOG.info(
                "progress: messages in {} ({} msg/s), readings windowed {}, windows scored {}, events out {} ({} anomalies), dead letters {}, late {}",
                messages,
                Math.round(rate),
                sum(PipelineMetrics.READINGS_WINDOWED),
                sum(PipelineMetrics.WINDOWS_SCORED),
                sum(PipelineMetrics.EVENTS_OUT),
                sum(PipelineMetrics.ANOMALIES),
                sum(PipelineMetrics.DEAD_LETTERS),
                sum(PipelineMetrics.READINGS_LATE));
    }

    /** The totals of the last report in this JVM, by counter name ({@link PipelineMetrics}). */
    public static Map<String, Long> latest() {
        return Map.copyOf(LATEST);
    }

    private long sum(String name) {
        long total = 0;
        for (Counter counter : counters.getOrDefault(name, List.of())) {
            total += counter.getCount();
        }
        return total;
    }
}

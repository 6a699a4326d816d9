package io.vigil.gateway.job;

import io.vigil.pipelines.PipelineMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
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
    private static final List<Histogram> LATENCIES = new CopyOnWriteArrayList<>();
    private static final List<Gauge<?>> DELIVERED = new CopyOnWriteArrayList<>();

    private final Map<String, List<Counter>> counters = new ConcurrentHashMap<>();
    private long lastMessages;
    private long lastNanos = System.nanoTime();

    @Override
    public void open(MetricConfig config) {
        // A new job's counters start at zero; a previous job's totals would read as its own.
        LATEST.clear();
        LATENCIES.clear();
        DELIVERED.clear();
    }

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (metric instanceof Counter counter
                && group.getAllVariables().containsKey("<" + PipelineMetrics.PIPELINE + ">")) {
            counters.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(counter);
        } else if (metric instanceof Histogram histogram
                && name.equals(PipelineMetrics.RESULT_LATENCY)) {
            LATENCIES.add(histogram);
        } else if (metric instanceof Gauge<?> gauge
                && name.equals(PipelineMetrics.RESULTS_DELIVERED)) {
            DELIVERED.add(gauge);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        List<Counter> list = counters.get(name);
        if (list != null) {
            list.remove(metric);
        }
        LATENCIES.remove(metric);
        DELIVERED.remove(metric);
    }

    @Override
    public void report() {
        if (counters.values().stream().allMatch(List::isEmpty)) {
            return; // No job runs (yet, or any more): nothing to report.
        }
        long messages = sum(PipelineMetrics.MESSAGES_IN);
        long now = System.nanoTime();
        // A reload's new job counts from zero again.
        long since = messages >= lastMessages ? lastMessages : 0;
        double rate = (messages - since) / Math.max(1e-9, (now - lastNanos) / 1e9);
        lastMessages = messages;
        lastNanos = now;
        for (String name : counters.keySet()) {
            LATEST.put(name, sum(name));
        }
        double[] latency = latencyMillis(0.5, 0.99);
        LOG.info(
                "progress: messages in {} ({} msg/s), readings windowed {}, windows scored {}, events out {} ({} anomalies), results delivered {}, dead letters {}, late {}, result latency p50 {} ms p99 {} ms",
                messages,
                Math.round(rate),
                sum(PipelineMetrics.READINGS_WINDOWED),
                sum(PipelineMetrics.WINDOWS_SCORED),
                sum(PipelineMetrics.EVENTS_OUT),
                sum(PipelineMetrics.ANOMALIES),
                resultsDelivered(),
                sum(PipelineMetrics.DEAD_LETTERS),
                sum(PipelineMetrics.READINGS_LATE),
                String.format(Locale.ROOT, "%.1f", latency[0]),
                String.format(Locale.ROOT, "%.1f", latency[1]));
    }

    /**
     * Quantiles of the latest results' latency from window close to publish ({@link
     * PipelineMetrics#RESULT_LATENCY}), in milliseconds, over every results sink of the running job
     * in this JVM; NaN before the first result.
     */
    public static double[] latencyMillis(double... quantiles) {
        List<double[]> parts = new ArrayList<>();
        int size = 0;
        for (Histogram histogram : LATENCIES) {
            long[] values = histogram.getStatistics().getValues();
            double[] millis = new double[values.length];
            for (int i = 0; i < values.length; i++) {
                millis[i] = values[i] / 1000.0;
            }
            parts.add(millis);
            size += millis.length;
        }
        double[] all = new double[size];
        int at = 0;
        for (double[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        Arrays.sort(all);
        double[] result = new double[quantiles.length];
        for (int q = 0; q < quantiles.length; q++) {
            result[q] =
                    size == 0
                            ? Double.NaN
                            : all[
                                    Math.max(
                                            0,
                                            Math.min(
                                                    size - 1,
                                                    (int) Math.ceil(quantiles[q] * size) - 1))];
        }
        return result;
    }

    /**
     * Result messages the running job's results sinks in this JVM have delivered so far ({@link
     * PipelineMetrics#RESULTS_DELIVERED}), read now rather than at the last report.
     */
    public static long resultsDelivered() {
        long total = 0;
        for (Gauge<?> gauge : DELIVERED) {
            if (gauge.getValue() instanceof Number delivered) {
                total += delivered.longValue();
            }
        }
        return total;
    }

    /**
     * The totals of the running job's last report in this JVM, by counter name ({@link
     * PipelineMetrics}).
     */
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

package io.vigil.pipelines;

import java.time.Instant;
import org.apache.flink.metrics.MetricGroup;

/**
 * Names of the counters every pipeline keeps, in the Flink metric group {@value #GROUP} with the
 * variable {@code <pipeline>}. Each is a plain Flink counter, visible in any metric reporter.
 */
public final class PipelineMetrics {

    /** The metric group all Vigil counters live in. */
    public static final String GROUP = "vigil";

    /** The key of the variable naming the pipeline. */
    public static final String PIPELINE = "pipeline";

    /** Messages on the pipeline's topics. */
    public static final String MESSAGES_IN = "messagesIn";

    /** Values no channel of the pipeline uses (unused Sparkplug metrics or topic channels). */
    public static final String VALUES_UNUSED = "valuesUnused";

    /** Readings decoded and taken into a window. */
    public static final String READINGS_WINDOWED = "readingsWindowed";

    /** Readings that arrived after every window they belong to was scored. */
    public static final String READINGS_LATE = "readingsLate";

    /** Payloads that could not be decoded, sent to the dead-letter topic. */
    public static final String DEAD_LETTERS = "deadLetters";

    /** Windows scored by the model. */
    public static final String WINDOWS_SCORED = "windowsScored";

    /** Windows skipped: too few rows held readings, or a gap the missing policy could not fill. */
    public static final String WINDOWS_SKIPPED = "windowsSkipped";

    /** Result messages published (events, health messages and scores). */
    public static final String EVENTS_OUT = "eventsOut";

    /**
     * Result messages the results sink has delivered: acknowledged by the upstream broker (QoS 1)
     * or written to it (QoS 0). Events out minus this is what the sink still holds, for instance
     * while the upstream broker is away. A gauge of the results sink (not per pipeline).
     */
    public static final String RESULTS_DELIVERED = "resultsDelivered";

    /** Alarms raised (anomaly or maintenance-due episodes begun). */
    public static final String ANOMALIES = "anomalies";

    /** Result messages held back by an output's rate limit. */
    public static final String RATE_LIMITED = "rateLimited";

    /**
     * Microseconds from a window's close to its result's hand-over to the MQTT client, a histogram
     * of the results sink (not per pipeline).
     */
    public static final String RESULT_LATENCY = "resultLatencyMicros";

    private PipelineMetrics() {}

    /**
     * The clock of {@link #RESULT_LATENCY}: wall-clock time in epoch microseconds, comparable
     * across the task managers of a cluster as far as their clocks agree.
     */
    public static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** The group a pipeline's operators register their counters in. */
    public static MetricGroup group(MetricGroup operator, String pipeline) {
        return operator.addGroup(GROUP).addGroup(PIPELINE, pipeline);
    }
}

package io.vigil.pipelines;

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

    /** Readings decoded and taken into a window. */
    public static final String READINGS_WINDOWED = "readingsWindowed";

    /** Readings that arrived after every window they belong to was scored. */
    public static final String READINGS_LATE = "readingsLate";

    /** Payloads that could not be decoded, sent to the dead-letter topic. */
    public static final String DEAD_LETTERS = "deadLetters";

    /** Windows scored by the model. */
    public static final String WINDOWS_SCORED = "windowsScored";

    /** Windows skipped because too few of their rows held a reading. */
    public static final String WINDOWS_SKIPPED = "windowsSkipped";

    /** Result events published (anomaly events and health messages). */
    public static final String EVENTS_OUT = "eventsOut";

    /** Anomaly events among them. */
    public static final String ANOMALIES = "anomalies";

    private PipelineMetrics() {}

    /** The group a pipeline's operators register their counters in. */
    public static MetricGroup group(MetricGroup operator, String pipeline) {
        return operator.addGroup(GROUP).addGroup(PIPELINE, pipeline);
    }
}

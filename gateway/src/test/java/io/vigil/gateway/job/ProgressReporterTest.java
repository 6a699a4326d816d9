package io.vigil.gateway.job;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vigil.pipelines.PipelineMetrics;
import java.util.Map;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ProgressReporterTest {

    /** The metric group of one pipeline's operator. */
    private static final UnregisteredMetricsGroup PIPELINE_GROUP =
            new UnregisteredMetricsGroup() {
                @Override
                public Map<String, String> getAllVariables() {
                    return Map.of("<" + PipelineMetrics.PIPELINE + ">", "pump-anomaly");
                }
            };

    private final Logger progressLog = (Logger) LoggerFactory.getLogger("io.vigil.progress");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final ProgressReporter reporter = new ProgressReporter();

    @BeforeEach
    void capture() {
        lines.start();
        progressLog.addAppender(lines);
        reporter.open(new MetricConfig());
    }

    @AfterEach
    void release() {
        progressLog.detachAppender(lines);
    }

    @Test
    void reportsTheJobsCountersAndNothingOnceTheJobIsGone() {
        SimpleCounter messages = messagesIn(40);

        reporter.report();
        assertThat(lastLine()).startsWith("progress: messages in 40 (");

        // A stop or a reload removes the job's counters: no line of zeros and a negative rate.
        reporter.notifyOfRemovedMetric(messages, PipelineMetrics.MESSAGES_IN, PIPELINE_GROUP);
        reporter.report();
        assertThat(lines.list).hasSize(1);
    }

    @Test
    void aReloadedJobsCountersFromZeroGiveNoNegativeRate() {
        SimpleCounter before = messagesIn(1_000);
        reporter.report();

        reporter.notifyOfRemovedMetric(before, PipelineMetrics.MESSAGES_IN, PIPELINE_GROUP);
        messagesIn(5);
        reporter.report();

        assertThat(lastLine()).startsWith("progress: messages in 5 (").doesNotContain("(-");
    }

    /** A job's messages-in counter, registered with the reporter, at {@code count}. */
    private SimpleCounter messagesIn(long count) {
        SimpleCounter counter = new SimpleCounter();
        reporter.notifyOfAddedMetric(counter, PipelineMetrics.MESSAGES_IN, PIPELINE_GROUP);
        counter.inc(count);
        return counter;
    }

    private String lastLine() {
        return lines.list.get(lines.list.size() - 1).getFormattedMessage();
    }
}

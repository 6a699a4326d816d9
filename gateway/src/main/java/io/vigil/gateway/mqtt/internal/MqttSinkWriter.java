package io.vigil.gateway.mqtt.internal;

import io.vigil.gateway.mqtt.MqttConnectionConfig;
import io.vigil.pipelines.OutboundMessage;
import io.vigil.pipelines.PipelineMetrics;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * Writes one side's messages through a {@link WindowedPublisher}, and records each result's latency
 * from its window's close to the hand-over to the MQTT client ({@link
 * PipelineMetrics#RESULT_LATENCY}). {@link #flush} runs before every checkpoint and waits until the
 * broker has acknowledged every publish: at-least-once.
 */
public final class MqttSinkWriter implements SinkWriter<OutboundMessage> {

    private final OutboundMessage.Destination destination;
    private static final int LATENCY_SAMPLES = 10_000;

    private final WindowedPublisher publisher;
    private final Histogram latency;

    public MqttSinkWriter(
            MqttConnectionConfig connection,
            OutboundMessage.Destination destination,
            int subtask,
            MetricGroup metrics) {
        this.destination = destination;
        MetricGroup group = metrics.addGroup(PipelineMetrics.GROUP);
        // The last 10 000 results: enough for percentiles, a bounded 80 kB per writer.
        this.latency =
                group.histogram(
                        PipelineMetrics.RESULT_LATENCY,
                        new DescriptiveStatisticsHistogram(LATENCY_SAMPLES));
        boolean upstream = destination == OutboundMessage.Destination.UPSTREAM;
        String role = upstream ? "results" : "plant";
        this.publisher =
                new WindowedPublisher(
                        connection,
                        connection.clientIdPrefix() + "-" + role + "-" + subtask,
                        role + " messages");
        if (upstream) {
            group.gauge(PipelineMetrics.RESULTS_DELIVERED, (Gauge<Long>) publisher::acknowledged);
        }
    }

    @Override
    public void write(OutboundMessage message, Context context) throws InterruptedException {
        if (message.destination() != destination) {
            throw new IllegalArgumentException(
                    "A "
                            + destination
                            + " sink got a "
                            + message.destination()
                            + " message for "
                            + message.topic());
        }
        publisher.publish(message.topic(), message.payload(), message.qos(), message.retain());
        if (message.windowClosedAtMicros() > 0) {
            latency.update(PipelineMetrics.epochMicros() - message.windowClosedAtMicros());
        }
    }

    @Override
    public void flush(boolean endOfInput) throws InterruptedException {
        publisher.awaitAcknowledged();
    }

    @Override
    public void close() {
        publisher.close();
    }
}

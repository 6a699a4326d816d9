package io.vigil.gateway.mqtt;

import io.vigil.gateway.mqtt.internal.MqttSinkWriter;
import io.vigil.pipelines.OutboundMessage;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Publishes {@link OutboundMessage}s for one side of the gateway (upstream results or plant-side
 * dead letters) to an MQTT broker, with each message's own topic, QoS and retain flag.
 *
 * <p>At-least-once at QoS 1: before each checkpoint the writer waits until the broker has
 * acknowledged every publish. While the broker is unreachable the writer blocks, which backs the
 * job up to the source (the plant broker then queues readings for the persistent session) instead
 * of dropping results. After a failure, results since the last checkpoint are published again;
 * result events carry deterministic ids so consumers can drop the duplicates.
 */
public final class MqttSink implements Sink<OutboundMessage> {

    private static final long serialVersionUID = 1L;

    private final MqttConnectionConfig connection;
    private final OutboundMessage.Destination destination;

    public MqttSink(MqttConnectionConfig connection, OutboundMessage.Destination destination) {
        this.connection = Objects.requireNonNull(connection, "Connection must not be null.");
        this.destination = Objects.requireNonNull(destination, "Destination must not be null.");
    }

    @Override
    public SinkWriter<OutboundMessage> createWriter(WriterInitContext context) {
        return new MqttSinkWriter(
                connection,
                destination,
                context.getTaskInfo().getIndexOfThisSubtask(),
                context.metricGroup());
    }
}

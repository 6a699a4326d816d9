package io.vigil.gateway.mqtt.internal;

import io.vigil.gateway.mqtt.MqttConnectionConfig;
import io.vigil.pipelines.OutboundMessage;
import org.apache.flink.api.connector.sink2.SinkWriter;

/**
 * Writes one side's messages through a {@link WindowedPublisher}. {@link #flush} runs before every
 * checkpoint and waits until the broker has acknowledged every publish: at-least-once.
 */
public final class MqttSinkWriter implements SinkWriter<OutboundMessage> {

    private final OutboundMessage.Destination destination;
    private final WindowedPublisher publisher;

    public MqttSinkWriter(
            MqttConnectionConfig connection, OutboundMessage.Destination destination, int subtask) {
        this.destination = destination;
        String role = destination == OutboundMessage.Destination.UPSTREAM ? "results" : "plant";
        this.publisher =
                new WindowedPublisher(
                        connection,
                        connection.clientIdPrefix() + "-" + role + "-" + subtask,
                        role + " messages");
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

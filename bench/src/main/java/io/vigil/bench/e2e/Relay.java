package io.vigil.bench.e2e;

import io.vigil.gateway.mqtt.MqttConnectionConfig;
import io.vigil.gateway.mqtt.internal.WindowedPublisher;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * A bare Paho v5 subscriber→publisher relay: every message on the plant topics is published again
 * under {@code relay/}, at the same QoS, through the publisher Vigil's sink uses. The least a
 * gateway that forwards anything can do.
 */
final class Relay extends Tap {

    private final WindowedPublisher publisher;
    private final int qos;

    Relay(String url, String filter, int qos) throws MqttException {
        super(url, "bench-relay-in", filter, qos);
        this.publisher =
                new WindowedPublisher(
                        MqttConnectionConfig.builder(url).build(), "bench-relay-out", "relay");
        this.qos = qos;
    }

    @Override
    void onMessage(String topic, MqttMessage message) throws InterruptedException {
        publisher.publish("relay/" + topic, message.getPayload(), qos, false);
    }

    /** Messages published again and delivered (acknowledged at QoS 1, written at QoS 0). */
    long delivered() {
        return publisher.acknowledged();
    }

    @Override
    public void close() throws MqttException {
        publisher.close();
        super.close();
    }
}

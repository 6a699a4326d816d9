package io.vigil.gateway.mqtt.internal;

import org.apache.flink.api.connector.source.SourceSplit;

/**
 * A reader's subscription: reader {@code index} connects as its own MQTT client and joins the
 * shared subscription. MQTT has no offsets, so the split carries no position; the broker's
 * persistent session is what remembers where a reader stopped.
 */
public record MqttSplit(int index) implements SourceSplit {

    @Override
    public String splitId() {
        return "mqtt-" + index;
    }
}

package io.vigil.pipelines;

/**
 * A message a pipeline sends: a result for the upstream consumers, or a dead letter for the plant
 * side (raw payloads never go upstream).
 *
 * @param destination which side of the gateway the message is for
 * @param topic the topic to publish to
 * @param payload the payload (JSON)
 * @param qos delivery quality: 0 at most once, 1 at least once
 * @param retain whether the broker keeps it as the topic's last value
 */
public record OutboundMessage(
        Destination destination, String topic, byte[] payload, int qos, boolean retain) {

    /** Which broker a message is for. */
    public enum Destination {
        /** The upstream broker, where dashboards read results. */
        UPSTREAM,
        /** The plant broker, for dead letters and status that stay on site. */
        PLANT
    }
}

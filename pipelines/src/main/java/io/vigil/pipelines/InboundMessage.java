package io.vigil.pipelines;

/**
 * A message as it arrives from the plant: its topic, raw payload and the time it arrived (epoch
 * milliseconds, used when a pipeline takes arrival time as event time). Whatever transport delivers
 * it, the pipelines only see this.
 */
public record InboundMessage(String topic, byte[] payload, long receivedAtMillis) {}

package io.vigil.pipelines.internal.decode;

import io.vigil.pipelines.OutboundMessage;

/** Where a {@link PayloadDecoder} puts what it read. */
public interface Readings {

    /**
     * One reading of one asset.
     *
     * @param asset the asset id
     * @param timestamp event time, epoch ms
     * @param values raw values, one per input channel in the order of {@code
     *     spec.source().inputs()}, {@link Float#NaN} where the reading does not carry that channel;
     *     ownership passes to the receiver
     */
    void reading(String asset, long timestamp, float[] values);

    /** A record of the current message that cannot be read, and why (a precise, human reason). */
    void reject(String reason);

    /**
     * A value of the current message that no channel of the pipeline uses (an unused Sparkplug
     * metric, a topic's {@code {channel}} the model does not take): counted, not an error.
     */
    void unused();

    /** A message the decoder must send to the plant broker, such as a Sparkplug rebirth request. */
    void command(OutboundMessage message);
}

package io.vigil.pipelines.internal.decode;

import io.vigil.pipelines.InboundMessage;

/**
 * Turns one message into readings, for one payload format. One instance per operator subtask,
 * created in {@code open()}; not thread-safe. A decoder never throws for bad input: it reports each
 * record it cannot read through {@link Readings#reject}, and the message's other records still
 * count.
 */
public interface PayloadDecoder {

    /** Decodes {@code message}, passing every reading and every rejection to {@code out}. */
    void decode(InboundMessage message, Readings out);
}
